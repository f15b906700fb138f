package activities

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/hrsync"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
)

// A poll's input cannot send the Workday credentials elsewhere: a report URL in the
// request is refused, without retrying, before anything is sent to it.
func TestPollRefusesAReportURL(t *testing.T) {
	wd := standin.New(standin.Config{Username: "ilm-isu", Password: "s3cret"})
	srv := standin.Start(t, wd)
	user, pass := wd.CredentialFiles(t)
	h := newHRPoll(t)
	cfg, err := config.Parse([]byte(`instances: [{name: workday, type: workday, report_url: "https://wd.example.com/ccx/service/customreport2/t/o/r?format=json",
  username_file: ` + user + `, password_file: ` + pass + `, sync_on_first_run: true}]`))
	require.NoError(t, err)
	h.acts.Config, h.acts.Planner = cfg, &hrsync.Planner{Config: cfg, Store: h.acts.Store}

	_, err = h.poll(PollRequest{Report: wd.URL(srv.URL)})
	require.Error(t, err)
	assert.Equal(t, ErrTypeConfig, errorType(err))
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable())
	assert.ErrorContains(t, err, "must be a local file")
	assert.Zero(t, wd.Attempts(), "requests sent to the request's URL")

	pending, err := h.acts.Planner.NeedsInitialSync(context.Background(), "workday")
	require.NoError(t, err)
	assert.True(t, pending, "nothing synced")
}
