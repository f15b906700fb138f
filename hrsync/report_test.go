package hrsync

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
)

// A report given in place of report_url is a local file: a URL is refused before anything
// is sent to it, credentials or not.
func TestReportOverrideIsAFile(t *testing.T) {
	wd := standin.New(standin.Config{Username: "ilm-isu", Password: "s3cret"})
	srv := standin.Start(t, wd)
	user, pass := wd.CredentialFiles(t)
	p := newPlanner(t, ", username_file: "+user+", password_file: "+pass)
	ctx := context.Background()

	for _, url := range []string{wd.URL(srv.URL), "HTTPS://127.0.0.1:1/r", "ftp://127.0.0.1:1/r"} {
		_, err := p.Plan(ctx, "workday", Options{Report: url, Now: syncNow})
		assert.ErrorIs(t, err, ErrReportNotFile, "plan of %s", url)
		_, err = p.InitialSync(ctx, "workday", Options{Report: url, Now: syncNow})
		assert.ErrorIs(t, err, ErrReportNotFile, "initial sync of %s", url)
	}
	assert.Zero(t, wd.Attempts(), "requests sent to the URL")

	file := report(t, 3, 0)
	for _, path := range []string{file, "file:" + file} {
		plan, err := p.Plan(ctx, "workday", Options{Report: path, Now: syncNow})
		require.NoError(t, err, path)
		assert.Equal(t, 3, plan.Rows)
	}
}

// Progress hears of every row as it is read, in the plan and the initial sync alike.
func TestProgressCountsRows(t *testing.T) {
	p := newPlanner(t, "")
	ctx := context.Background()
	var plan, sync []int
	_, err := p.Plan(ctx, "workday", Options{Report: report(t, 3, 0), Now: syncNow, Progress: func(n int) { plan = append(plan, n) }})
	require.NoError(t, err)
	_, err = p.InitialSync(ctx, "workday", Options{Report: report(t, 2, 0), Now: syncNow, Progress: func(n int) { sync = append(sync, n) }})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3}, plan)
	assert.Equal(t, []int{1, 2}, sync)
}
