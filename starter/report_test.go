package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
)

// --report is a local file: plan, sync and poll refuse a URL, naming the flag, and send it
// nothing, least of all the instance's credentials.
func TestReportFlagRefusesAURL(t *testing.T) {
	wd := standin.New(standin.Config{Username: "ilm-isu", Password: "s3cret"})
	srv := standin.Start(t, wd)
	user, pass := wd.CredentialFiles(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, workday(t, dir, "report.json", employee("1001", "Ann", "Sales")),
		"username_file: "+user+"\n    password_file: "+pass)
	st := "sqlite:" + filepath.Join(dir, "ilm.db")
	url := wd.URL(srv.URL)

	for _, args := range [][]string{
		{"plan", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow, "--report", url},
		{"sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow, "--report", url},
		{"poll", "--config", cfg, "--store", st, "--instance", "workday", "--report", url},
	} {
		code, _, errOut := ilm(args...)
		assert.Equal(t, exitUsage, code, "%s: %s", args[0], errOut)
		assert.Contains(t, errOut, "--report: a report read in place of report_url must be a local file, not a URL", args[0])
	}
	assert.Zero(t, wd.Attempts(), "requests sent to the URL")
}

// A workday poll, scheduled or manual, carries the instance's report timeout, which sizes
// the poll's activity.
func TestPollJobCarriesTheReportTimeout(t *testing.T) {
	cfg, err := config.Parse([]byte(`instances:
  - {name: slow, type: workday, report_url: "file:r.json", timeout: 40m}
  - {name: stock, type: workday, report_url: "file:r.json"}
`))
	require.NoError(t, err)
	for instance, want := range map[string]time.Duration{"slow": 40 * time.Minute, "stock": 5 * time.Minute} {
		job, err := newPollJob(cfg, instance)
		require.NoError(t, err)
		req, ok := job.input.(activities.PollRequest)
		require.True(t, ok, "input %T", job.input)
		assert.Equal(t, want, req.ReportTimeout, instance)
	}
}
