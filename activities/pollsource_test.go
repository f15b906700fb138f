package activities

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/hrsync"
)

// A poll's input cannot send the Workday credentials elsewhere: a report URL in the
// request is refused, without retrying, before anything is sent to it.
func TestPollRefusesAReportURL(t *testing.T) {
	var auths atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			auths.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Report_Entry":[]}`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	user, pass := filepath.Join(dir, "user"), filepath.Join(dir, "pass")
	require.NoError(t, os.WriteFile(user, []byte("ilm-isu"), 0o600))
	require.NoError(t, os.WriteFile(pass, []byte("s3cret"), 0o600))
	h := newHRPoll(t)
	cfg, err := config.Parse([]byte(`instances: [{name: workday, type: workday, report_url: "https://wd.example.com/ccx/service/customreport2/t/o/r?format=json",
  username_file: ` + user + `, password_file: ` + pass + `, sync_on_first_run: true}]`))
	require.NoError(t, err)
	h.acts.Config, h.acts.Planner = cfg, &hrsync.Planner{Config: cfg, Store: h.acts.Store}

	_, err = h.poll(PollRequest{Report: srv.URL + "/ccx/service/customreport2/t/o/r?format=json"})
	require.Error(t, err)
	assert.Equal(t, ErrTypeConfig, errorType(err))
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable())
	assert.ErrorContains(t, err, "must be a local file")
	assert.Zero(t, auths.Load(), "requests with credentials sent to the request's URL")

	pending, err := h.acts.Planner.NeedsInitialSync(context.Background(), "workday")
	require.NoError(t, err)
	assert.True(t, pending, "nothing synced")
}
