package workflows

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/activities"
)

func TestWorkdayPollReturnsTheReport(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	want := activities.PollReport{Instance: "workday", Rows: 50, Events: 3, Started: 3}
	env.OnActivity(a.PollWorkday, mock.Anything, activities.PollRequest{Instance: "workday"}).Return(want, nil).Once()

	env.ExecuteWorkflow(WorkdayPoll, activities.PollRequest{Instance: "workday"})

	require.NoError(t, env.GetWorkflowError())
	var got activities.PollReport
	require.NoError(t, env.GetWorkflowResult(&got))
	assert.Equal(t, want, got)
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
