package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --report is a local file: plan, sync and poll refuse a URL, naming the flag, and send it
// nothing, least of all the instance's credentials.
func TestReportFlagRefusesAURL(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Report_Entry":[]}`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	user, pass := filepath.Join(dir, "user"), filepath.Join(dir, "pass")
	require.NoError(t, os.WriteFile(user, []byte("ilm-isu"), 0o600))
	require.NoError(t, os.WriteFile(pass, []byte("s3cret"), 0o600))
	cfg := writeConfig(t, dir, workday(t, dir, "report.json", employee("1001", "Ann", "Sales")),
		"username_file: "+user+"\n    password_file: "+pass)
	st := "sqlite:" + filepath.Join(dir, "ilm.db")
	url := srv.URL + "/ccx/service/customreport2/t/o/r?format=json"

	for _, args := range [][]string{
		{"plan", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow, "--report", url},
		{"sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow, "--report", url},
		{"poll", "--config", cfg, "--store", st, "--instance", "workday", "--report", url},
	} {
		code, _, errOut := ilm(args...)
		assert.Equal(t, exitUsage, code, "%s: %s", args[0], errOut)
		assert.Contains(t, errOut, "--report: a report read in place of report_url must be a local file, not a URL", args[0])
	}
	assert.Zero(t, requests.Load(), "requests sent to the URL")
}
