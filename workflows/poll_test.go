package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/activities"
)

// The poll hands the operator's request (--report, --now, --accept-plan) to its activity
// unchanged, and runs it with a heartbeat timeout, so an attempt lost with its worker is
// retried within minutes rather than after the half-hour start-to-close.
func TestWorkdayPollPassesTheRequestAndHeartbeats(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	req := activities.PollRequest{Instance: "workday", Report: "file:/tmp/report.json",
		Now: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), AcceptPlan: "sha256:abc"}
	var heartbeat time.Duration
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		heartbeat = info.HeartbeatTimeout
	})
	env.OnActivity(a.PollWorkday, mock.Anything, req).Return(activities.PollReport{Instance: "workday"}, nil).Once()

	env.ExecuteWorkflow(WorkdayPoll, req)

	require.NoError(t, env.GetWorkflowError())
	env.AssertExpectations(t)
	assert.Equal(t, 2*time.Minute, heartbeat)
}

// The poll's activity may run for the instance's report timeout plus the time to plan and
// start incidents: an instance whose report takes long to build gets a longer attempt, and
// a request without a timeout (a schedule applied before it was carried) gets the default.
func TestWorkdayPollSizesItsActivityByTheReportTimeout(t *testing.T) {
	for _, tt := range []struct {
		report, want time.Duration
	}{
		{0, 30 * time.Minute},
		{5 * time.Minute, 30 * time.Minute},
		{45 * time.Minute, 70 * time.Minute},
	} {
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestWorkflowEnvironment()
		env.RegisterActivity(&activities.Activities{})
		var got, heartbeat time.Duration
		env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
			got, heartbeat = info.StartToCloseTimeout, info.HeartbeatTimeout
		})
		env.OnActivity(a.PollWorkday, mock.Anything, mock.Anything).Return(activities.PollReport{Instance: "workday"}, nil).Once()

		env.ExecuteWorkflow(WorkdayPoll, activities.PollRequest{Instance: "workday", ReportTimeout: tt.report})

		require.NoError(t, env.GetWorkflowError())
		assert.Equal(t, tt.want, got, "start-to-close for a report timeout of %s", tt.report)
		assert.Equal(t, 2*time.Minute, heartbeat)
	}
}

// A report that cannot be read for a while (Workday down) is retried, and the run succeeds.
func TestWorkdayPollRetriesAnUnavailableReport(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	down := temporal.NewApplicationError("workday unavailable", activities.ErrTypeUnavailable)
	env.OnActivity(a.PollWorkday, mock.Anything, mock.Anything).Return(activities.PollReport{}, down).Twice()
	env.OnActivity(a.PollWorkday, mock.Anything, mock.Anything).Return(activities.PollReport{Instance: "workday", Started: 3}, nil).Once()

	env.ExecuteWorkflow(WorkdayPoll, activities.PollRequest{Instance: "workday"})

	require.NoError(t, env.GetWorkflowError())
	env.AssertExpectations(t)
	var got activities.PollReport
	require.NoError(t, env.GetWorkflowResult(&got))
	assert.Equal(t, 3, got.Started)
}

func TestWorkdayPollFailsWhenTheGuardTrips(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	guard := temporal.NewNonRetryableApplicationError("mass-change guard: 30 terminations exceed max_terminations 25", activities.ErrTypeGuard, nil)
	env.OnActivity(a.PollWorkday, mock.Anything, mock.Anything).Return(activities.PollReport{}, guard).Once()

	env.ExecuteWorkflow(WorkdayPoll, activities.PollRequest{Instance: "workday"})

	err := env.GetWorkflowError()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mass-change guard")
}

// The poll's refusals stand until a person acts: each fails the run at the first attempt,
// even when the activity left it retryable.
func TestWorkdayPollDoesNotRetryRefusals(t *testing.T) {
	for _, typ := range []string{activities.ErrTypeGuard, activities.ErrTypePlanChanged, activities.ErrTypeInitialSyncRefused, activities.ErrTypeConfig} {
		t.Run(typ, func(t *testing.T) {
			var ts testsuite.WorkflowTestSuite
			env := ts.NewTestWorkflowEnvironment()
			env.RegisterActivity(&activities.Activities{})
			env.OnActivity(a.PollWorkday, mock.Anything, mock.Anything).Return(activities.PollReport{}, temporal.NewApplicationError("refused", typ)).Once()

			env.ExecuteWorkflow(WorkdayPoll, activities.PollRequest{Instance: "workday"})

			var appErr *temporal.ApplicationError
			require.ErrorAs(t, env.GetWorkflowError(), &appErr)
			assert.Equal(t, typ, appErr.Type())
			env.AssertExpectations(t)
		})
	}
}
