package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
)

type appSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
}

func TestAppSync(t *testing.T) { suite.Run(t, new(appSuite)) }

func (s *appSuite) SetupTest() { s.env = reviewedEnv(&s.WorkflowTestSuite) }

func (s *appSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

func addEvent() activities.AppEvent {
	return activities.AppEvent{Instance: "okta", UUID: "4d8a4e9a", Type: lifecycle.AppAdd,
		UserID: "00u1", Login: "ada@example.com", AppID: "0oa1", AppLabel: "GitHub"}
}

func addPlan() activities.AppPlan {
	return activities.AppPlan{
		Incident: activities.Incident{
			Instance: "okta", Type: lifecycle.AppAdd, EmployeeID: "1001",
			Profile: profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001", profile.Email: "ada@example.com"}},
			Review:  activities.ReviewPolicy{Method: "random", Timeout: time.Hour},
		},
		Instances: []string{"github"},
		Options:   connectors.UpdateOptions{AllowEnable: true},
		Apps:      activities.AppListChange{Add: "github"},
	}
}

func (s *appSuite) result() IncidentResult {
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var res IncidentResult
	s.Require().NoError(s.env.GetWorkflowResult(&res))
	return res
}

func (s *appSuite) TestAddUpdatesWithAllowEnableThenRecordsTheApp() {
	s.env.OnActivity(a.ResolveAppEvent, mock.Anything, addEvent()).Return(addPlan(), nil).Once()
	enabled := connectors.Result{Instance: "github", Action: connectors.OpUpdate, Success: true, Active: true}
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, mock.MatchedBy(func(r activities.TargetRequest) bool {
		return r.Call.Instance == "github" && r.Call.Options.AllowEnable && r.Profile.EmployeeID() == "1001"
	})).Return(enabled, nil).Once()
	s.env.OnActivity(a.RecordApplications, mock.Anything, mock.MatchedBy(func(r activities.ApplicationsRequest) bool {
		return r.EmployeeID == "1001" && assert.ObjectsAreEqual(activities.AppListChange{Add: "github"}, r.Apps) && r.Type == lifecycle.AppAdd
	})).Return(nil).Once()

	s.env.ExecuteWorkflow(AppAdd, addEvent())

	res := s.result()
	s.Equal("1001", res.EmployeeID)
	s.Equal([]connectors.Result{enabled}, res.Results)
	s.True(res.ProfileSaved)
	s.Empty(res.Skipped)
}

// Once the person is known the incident carries their employee id and Email search
// attributes; a plan without EmailSearch (its worker has none, or a history recorded before
// it) sets no Email.
func (s *appSuite) TestTheIncidentCarriesTheEmailSearchAttribute() {
	plan := addPlan()
	plan.EmailSearch = "hmac-sha256:0f1e"
	s.env.OnActivity(a.ResolveAppEvent, mock.Anything, mock.Anything).Return(plan, nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, mock.Anything).
		Return(connectors.Result{Instance: "github", Action: connectors.OpUpdate, Success: true}, nil).Once()
	s.env.OnActivity(a.RecordApplications, mock.Anything, mock.Anything).Return(nil).Once()
	s.env.OnUpsertTypedSearchAttributes(temporal.NewSearchAttributes(EmployeeIDKey.ValueSet("1001"))).Return(nil).Once()
	s.env.OnUpsertTypedSearchAttributes(temporal.NewSearchAttributes(EmailKey.ValueSet("hmac-sha256:0f1e"))).Return(nil).Once()

	s.env.ExecuteWorkflow(AppAdd, addEvent())

	s.True(s.result().ProfileSaved)
}

func (s *appSuite) TestWithoutEmailSearchNoEmailIsSet() {
	s.env.OnActivity(a.ResolveAppEvent, mock.Anything, mock.Anything).Return(addPlan(), nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, mock.Anything).
		Return(connectors.Result{Instance: "github", Action: connectors.OpUpdate, Success: true}, nil).Once()
	s.env.OnActivity(a.RecordApplications, mock.Anything, mock.Anything).Return(nil).Once()
	s.env.OnUpsertTypedSearchAttributes(temporal.NewSearchAttributes(EmployeeIDKey.ValueSet("1001"))).Return(nil).Once()

	s.env.ExecuteWorkflow(AppAdd, addEvent())

	s.True(s.result().ProfileSaved)
}

func (s *appSuite) TestSkippedEventCallsNoTarget() {
	plan := addPlan()
	plan.Skip = "stale event: the user is no longer assigned to GitHub"
	s.env.OnActivity(a.ResolveAppEvent, mock.Anything, mock.Anything).Return(plan, nil).Once()

	s.env.ExecuteWorkflow(AppAdd, addEvent())

	res := s.result()
	s.Equal(plan.Skip, res.Skipped)
	s.Empty(res.Results)
	s.False(res.ProfileSaved)
}

func (s *appSuite) TestNoStoredProfileRecordsNothing() {
	plan := addPlan()
	plan.Apps = activities.AppListChange{}
	ev := addEvent()
	ev.Type = lifecycle.AppRemove
	plan.Options = connectors.UpdateOptions{}
	s.env.OnActivity(a.ResolveAppEvent, mock.Anything, ev).Return(plan, nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, mock.MatchedBy(func(r activities.TargetRequest) bool {
		return r.Call == activities.TargetCall{Instance: "github", Operation: connectors.OpDisable}
	})).Return(connectors.Result{Instance: "github", Action: connectors.OpDisable, Success: true}, nil).Once()

	s.env.ExecuteWorkflow(AppRemove, ev)

	res := s.result()
	s.Len(res.Results, 1)
	s.False(res.ProfileSaved)
}

func (s *appSuite) TestFailedCallGoesToReviewAndAbortKeepsTheAppList() {
	s.env.OnActivity(a.ResolveAppEvent, mock.Anything, mock.Anything).Return(addPlan(), nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, mock.Anything).
		Return(connectors.Result{}, temporal.NewNonRetryableApplicationError("github update: 422", activities.ErrTypeInvalid, nil)).Once()
	s.env.OnActivity(a.NotifyFailure, mock.Anything, mock.Anything).Return(nil).Once()
	s.env.RegisterDelayedCallback(func() { decidePending(s.T(), s.env, ActionAbort, "alice") }, time.Minute)

	s.env.ExecuteWorkflow(AppUpdate, addEvent())

	s.Require().True(s.env.IsWorkflowCompleted())
	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	s.Contains(err.Error(), "aborted by reviewer alice")
}

func (s *appSuite) TestResolveFailureFailsTheIncident() {
	s.env.OnActivity(a.ResolveAppEvent, mock.Anything, mock.Anything).
		Return(activities.AppPlan{}, temporal.NewNonRetryableApplicationError("okta instance \"okta\" is not wired", activities.ErrTypeConfig, nil)).Once()

	s.env.ExecuteWorkflow(AppAdd, addEvent())

	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	s.Contains(err.Error(), "resolve IAM - App Add event 4d8a4e9a")
}

func TestOktaLogPollCarriesTheCursorFromTheLastCompletion(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	last := activities.OktaPollReport{Instance: "okta", Cursor: activities.OktaCursor{Next: "/api/v1/logs?after=17_3&limit=1000", Filter: "f"}}
	env.SetLastCompletionResult(last)
	want := activities.OktaPollReport{Instance: "okta", Pages: 2, Events: 5, Started: 4, Duplicates: 1,
		Cursor: activities.OktaCursor{Next: "/api/v1/logs?after=18_0&limit=1000", Filter: "f"}}
	env.OnActivity(a.PollOktaLog, mock.Anything, mock.MatchedBy(func(r activities.OktaPollRequest) bool {
		return r.Cursor != nil && r.Cursor.Next == last.Cursor.Next
	})).Return(want, nil).Once()

	env.ExecuteWorkflow(OktaLogPoll, activities.OktaPollRequest{Instance: "okta"})

	require.NoError(t, env.GetWorkflowError())
	var got activities.OktaPollReport
	require.NoError(t, env.GetWorkflowResult(&got))
	assert.Equal(t, want, got)
}

// The first run has no last completion result: it asks the activity to start from the
// store's cursor or first_fetch (a nil cursor) rather than inventing one.
func TestOktaLogPollFirstRunHasNoCursor(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	var asked []activities.OktaPollRequest
	report := activities.OktaPollReport{Instance: "okta", Cursor: activities.OktaCursor{Next: "/api/v1/logs?after=1_0", Filter: "f"}}
	env.OnActivity(a.PollOktaLog, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.OktaPollRequest) (activities.OktaPollReport, error) {
		asked = append(asked, r)
		return report, nil
	}).Once()

	env.ExecuteWorkflow(OktaLogPoll, activities.OktaPollRequest{Instance: "okta"})

	require.NoError(t, env.GetWorkflowError())
	env.AssertExpectations(t)
	assert.Equal(t, []activities.OktaPollRequest{{Instance: "okta"}}, asked)
}

// A System Log read that keeps failing is tried three times, then fails the run, so the
// next run starts from the last successful one's cursor.
func TestOktaLogPollGivesUpAfterThreeAttempts(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	attempts := 0
	env.SetOnActivityStartedListener(func(*activity.Info, context.Context, converter.EncodedValues) { attempts++ })
	env.OnActivity(a.PollOktaLog, mock.Anything, mock.Anything).
		Return(activities.OktaPollReport{}, errors.New("okta: unavailable")).Times(3)

	env.ExecuteWorkflow(OktaLogPoll, activities.OktaPollRequest{Instance: "okta"})

	require.Error(t, env.GetWorkflowError())
	env.AssertExpectations(t)
	assert.Equal(t, 3, attempts)
}

// The target calls of App incidents are local activities, run in the workflow task with
// the resolve and the record: no activity task for the server to dispatch.
func (s *appSuite) TestTargetCallsAreLocalActivities() {
	var local, normal []string
	s.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) {
		local = append(local, info.ActivityType.Name)
	})
	s.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		normal = append(normal, info.ActivityType.Name)
	})
	s.env.OnActivity(a.ResolveAppEvent, mock.Anything, addEvent()).Return(addPlan(), nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, mock.Anything).
		Return(connectors.Result{Instance: "github", Action: connectors.OpUpdate, Success: true}, nil).Once()
	s.env.OnActivity(a.RecordApplications, mock.Anything, mock.Anything).Return(nil).Once()

	s.env.ExecuteWorkflow(AppAdd, addEvent())

	s.True(s.result().ProfileSaved)
	s.Equal([]string{"ResolveAppEvent", "ProvisionTarget", "RecordApplications"}, local)
	s.Empty(normal)
}
