package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
)

type incidentSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
}

func TestIncidents(t *testing.T) { suite.Run(t, new(incidentSuite)) }

func (s *incidentSuite) SetupTest() { s.env = reviewedEnv(&s.WorkflowTestSuite) }

// reviewedEnv is a test environment for incident workflows: the real activities where not
// mocked (NotifyFailure without smtp only logs), and alice as the reviewer of any failure.
func reviewedEnv(ts *testsuite.WorkflowTestSuite) *testsuite.TestWorkflowEnvironment {
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{Config: &config.Config{}})
	env.OnActivity(a.AssignReviewer, mock.Anything, mock.Anything).Return("alice", nil).Maybe()
	env.OnActivity(a.ReleaseReviewer, mock.Anything, mock.Anything).Return(nil).Maybe()
	env.OnActivity(a.CheckPlannedRevision, mock.Anything, mock.Anything).Return("", nil).Maybe()
	return env
}

func (s *incidentSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

func hire() activities.Incident {
	return activities.Incident{
		Instance: "workday", Type: lifecycle.NewHire, EmployeeID: "1001",
		Profile: profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001", profile.Email: "ada@example.com"}, ADStatus: profile.ADPending},
		Targets: activities.Targets{Create: []string{"okta", "ad"}, ActiveDirectory: []string{"ad"}},
		Review:  activities.ReviewPolicy{Role: "identity-ops", Method: "random", Timeout: 48 * time.Hour},
	}
}

func created(instance string) connectors.Result {
	return connectors.Result{Instance: instance, Action: connectors.OpCreate, Success: true, Active: false, ID: instance + "-id"}
}

func callTo(instance string) any {
	return mock.MatchedBy(func(r activities.TargetRequest) bool { return r.Call.Instance == instance })
}

func finalError() error {
	return temporal.NewNonRetryableApplicationError("ad create: constraint violation", activities.ErrTypeInvalid, nil)
}

func (s *incidentSuite) TestTargetsInOrderThenProfileCommitted() {
	var order []string
	s.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		order = append(order, info.ActivityType.Name)
	})
	// The profile is stored in a local activity (commitInWorkflowTask).
	s.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) {
		if info.ActivityType.Name != "CheckPlannedRevision" {
			order = append(order, info.ActivityType.Name)
		}
	})
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(created("okta"), nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("ad")).Return(created("ad"), nil).Once()
	s.env.OnActivity(a.CommitProfile, mock.Anything, mock.MatchedBy(func(r activities.CommitRequest) bool {
		return r.Profile.EmployeeID() == "1001" && r.Profile.ADStatus == profile.ADPending && r.Type == lifecycle.NewHire
	})).Return(nil).Once()

	s.env.ExecuteWorkflow(NewHire, hire())

	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var res IncidentResult
	s.Require().NoError(s.env.GetWorkflowResult(&res))
	s.True(res.ProfileSaved)
	s.Equal([]connectors.Result{created("okta"), created("ad")}, res.Results)
	s.Equal([]string{"ProvisionTarget", "ProvisionTarget", "CommitProfile"}, order)
}

func (s *incidentSuite) TestFailureWaitsForReviewThenRetry() {
	var notices []activities.FailureNotice
	s.env.OnActivity(a.NotifyFailure, mock.Anything, mock.Anything).Return(func(_ context.Context, n activities.FailureNotice) error {
		notices = append(notices, n)
		return errors.New("smtp down: a notice that fails does not hold up the review")
	}).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(created("okta"), nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("ad")).Return(connectors.Result{}, finalError()).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("ad")).Return(created("ad"), nil).Once()
	s.env.OnActivity(a.CommitProfile, mock.Anything, mock.Anything).Return(nil).Once()
	s.env.RegisterDelayedCallback(func() {
		status := queryReview(s.T(), s.env)
		s.Equal(ReviewPending, status.State)
		s.Equal(testRun+"#1", status.ReviewID)
		s.Equal("alice", status.Assignee)
		s.Contains(status.Reason, "constraint violation")
		decidePending(s.T(), s.env, ActionRetry, "alice")
	}, time.Hour)

	s.env.ExecuteWorkflow(NewHire, hire())

	s.Require().NoError(s.env.GetWorkflowError())
	var res IncidentResult
	s.Require().NoError(s.env.GetWorkflowResult(&res))
	s.True(res.ProfileSaved)
	s.Equal([]connectors.Result{created("okta"), created("ad")}, res.Results)
	s.Equal([]Decision{{ReviewID: testRun + "#1", Action: ActionRetry, Reviewer: "alice"}}, res.Reviews)
	s.Equal([]activities.FailureNotice{{Type: lifecycle.NewHire, EmployeeID: "1001", Instance: "ad", Action: connectors.OpCreate,
		Error: "ad create: constraint violation", WorkflowID: "default-test-workflow-id"}}, notices, "IT is told once, before the review")
}

func (s *incidentSuite) TestSkipRecordsTheSkipAndCommits() {
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(connectors.Result{}, finalError()).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("ad")).Return(created("ad"), nil).Once()
	s.env.OnActivity(a.CommitProfile, mock.Anything, mock.Anything).Return(nil).Once()
	s.env.RegisterDelayedCallback(func() { decidePending(s.T(), s.env, ActionSkip, "bob") }, time.Minute)

	s.env.ExecuteWorkflow(NewHire, hire())

	s.Require().NoError(s.env.GetWorkflowError())
	var res IncidentResult
	s.Require().NoError(s.env.GetWorkflowResult(&res))
	s.Require().Len(res.Results, 2)
	s.True(res.Results[0].Skipped)
	s.Contains(res.Results[0].Reason, "skipped by reviewer bob")
	s.True(res.ProfileSaved)
}

func (s *incidentSuite) TestAbortLeavesTheProfileAlone() {
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(connectors.Result{}, finalError()).Once()
	s.env.RegisterDelayedCallback(func() { decidePending(s.T(), s.env, ActionAbort, "carol") }, time.Minute)

	s.env.ExecuteWorkflow(NewHire, hire())

	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	s.Contains(err.Error(), "aborted by reviewer carol")
	s.env.AssertActivityNotCalled(s.T(), "CommitProfile", mock.Anything, mock.Anything)
}

func (s *incidentSuite) TestUndecidedReviewExpires() {
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(connectors.Result{}, finalError()).Once()

	s.env.ExecuteWorkflow(NewHire, hire())

	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	s.Contains(err.Error(), "no review decision within 48h0m0s")
	s.env.AssertActivityNotCalled(s.T(), "CommitProfile", mock.Anything, mock.Anything)
}

func (s *incidentSuite) TestRetryableFailureIsRetriedBeforeReview() {
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).
		Return(connectors.Result{}, temporal.NewApplicationError("okta: 503", activities.ErrTypeUnavailable)).Times(2)
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(created("okta"), nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("ad")).Return(created("ad"), nil).Once()
	s.env.OnActivity(a.CommitProfile, mock.Anything, mock.Anything).Return(nil).Once()

	s.env.ExecuteWorkflow(NewHire, hire())

	s.Require().NoError(s.env.GetWorkflowError())
	s.env.AssertActivityNotCalled(s.T(), "AssignReviewer", mock.Anything, mock.Anything)
}

func (s *incidentSuite) TestMismatchedInputFailsFast() {
	in := hire()
	in.EmployeeID = "2002"
	s.env.ExecuteWorkflow(NewHire, in)
	s.Require().Error(s.env.GetWorkflowError())
	s.env.AssertActivityNotCalled(s.T(), "ProvisionTarget", mock.Anything, mock.Anything)
}

func (s *incidentSuite) TestSyncUserReviewChangesNothing() {
	in := hire()
	in.Type, in.Targets, in.Details = lifecycle.SyncUser, activities.Targets{}, "An orphan user was detected"
	s.env.RegisterDelayedCallback(func() { decidePending(s.T(), s.env, ActionSkip, "dan") }, time.Hour)

	s.env.ExecuteWorkflow(SyncUserReview, in)

	s.Require().NoError(s.env.GetWorkflowError())
	s.env.AssertActivityNotCalled(s.T(), "CommitProfile", mock.Anything, mock.Anything)
	s.env.AssertActivityNotCalled(s.T(), "ProvisionTarget", mock.Anything, mock.Anything)
}

func TestEveryIncidentTypeHasAWorkflow(t *testing.T) {
	for _, typ := range []lifecycle.EventType{lifecycle.NewHire, lifecycle.UpdateUser, lifecycle.TerminateUser,
		lifecycle.RehireUser, lifecycle.ADActivation, lifecycle.ADDeactivation, lifecycle.SyncUser,
		lifecycle.AppAdd, lifecycle.AppRemove, lifecycle.AppUpdate} {
		_, ok := IncidentWorkflow(typ)
		assert.True(t, ok, typ)
	}
	assert.Equal(t, "person/1001", PersonWorkflowID("1001"))
	assert.Equal(t, "poll-workday", ScheduleID("workday"))
	assert.Equal(t, "app/4d8a4e9a", AppWorkflowID("4d8a4e9a"))
}

// An incident of any type planned from a profile that has changed since (a second poll's
// incident ran first, App Sync recorded an app) does nothing: no target call, no commit, no
// review.
func (s *incidentSuite) TestStaleIncidentDoesNothing() {
	in := hire()
	in.Type, in.PlannedRevision = lifecycle.ADActivation, 4
	in.Targets = activities.Targets{Create: []string{"ad"}, Update: []string{"ad"}, Disable: []string{"ad"}, ActiveDirectory: []string{"ad"}}
	for name, wf := range map[string]any{"new hire": NewHire, "update": UpdateUser, "rehire": Rehire, "termination": Termination,
		"activation": ADActivation, "deactivation": ADDeactivation, "review": SyncUserReview} {
		env := s.NewTestWorkflowEnvironment()
		env.RegisterActivity(&activities.Activities{Config: &config.Config{}})
		env.OnActivity(a.CheckPlannedRevision, mock.Anything, activities.RevisionCheck{EmployeeID: "1001", PlannedRevision: 4}).
			Return("stale: the profile of employee 1001 changed since this incident was planned (revision 4, now 5)", nil).Once()
		var started []string
		env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
			started = append(started, info.ActivityType.Name)
		})
		env.ExecuteWorkflow(wf, in)
		s.Require().NoError(env.GetWorkflowError(), name)
		var res IncidentResult
		s.Require().NoError(env.GetWorkflowResult(&res))
		s.Contains(res.Skipped, "revision 4, now 5", name)
		s.Empty(res.Results, name)
		s.False(res.ProfileSaved, name)
		s.Empty(started, "%s: no target call, commit or reviewer assignment", name)
		env.AssertExpectations(s.T())
	}
}
