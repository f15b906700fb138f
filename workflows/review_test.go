package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
)

// testRun is the run id of every workflow the test environment runs, so the review ids are
// testRun#1, testRun#2, …
const testRun = "default-test-run-id"

// updateOutcome records what became of one review Update.
type updateOutcome struct {
	accepted  bool
	rejected  error // the validator's refusal
	completed bool
	err       error // the handler's error
}

func (u *updateOutcome) Accept()                   { u.accepted = true }
func (u *updateOutcome) Reject(err error)          { u.rejected = err }
func (u *updateOutcome) Complete(_ any, err error) { u.completed, u.err = true, err }

// sendDecision sends d as the review Update; its outcome is known once the workflow ran on.
func sendDecision(env *testsuite.TestWorkflowEnvironment, d Decision) *updateOutcome {
	u := &updateOutcome{}
	env.UpdateWorkflow(ReviewUpdate, "", u, d)
	return u
}

// decidePending sends the action for the review the query shows pending, as `ilm review
// decide` does.
func decidePending(t *testing.T, env *testsuite.TestWorkflowEnvironment, action, reviewer string) *updateOutcome {
	t.Helper()
	st := queryReview(t, env)
	require.Equal(t, ReviewPending, st.State)
	return sendDecision(env, Decision{ReviewID: st.ReviewID, Action: action, Reviewer: reviewer})
}

func queryReview(t *testing.T, env *testsuite.TestWorkflowEnvironment) ReviewStatus {
	t.Helper()
	v, err := env.QueryWorkflow(ReviewQuery)
	require.NoError(t, err)
	var st ReviewStatus
	require.NoError(t, v.Get(&st))
	return st
}

// requireDecided says the decision was accepted and recorded.
func requireDecided(t *testing.T, u *updateOutcome) {
	t.Helper()
	require.NoError(t, u.rejected)
	require.True(t, u.accepted && u.completed, "accepted and completed")
	require.NoError(t, u.err)
}

// The case: retry sent twice for one failure. The second is refused, and the next
// failure waits for a decision of its own.
func (s *incidentSuite) TestARepeatedDecisionDoesNotDecideTheNextFailure() {
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(created("okta"), nil).Once()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("ad")).Return(connectors.Result{}, finalError()).Twice()
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("ad")).Return(created("ad"), nil).Maybe()
	s.env.OnActivity(a.CommitProfile, mock.Anything, mock.Anything).Return(nil).Maybe()
	var first, again, late, skip *updateOutcome
	s.env.RegisterDelayedCallback(func() {
		first = decidePending(s.T(), s.env, ActionRetry, "alice")
		again = sendDecision(s.env, Decision{ReviewID: testRun + "#1", Action: ActionRetry, Reviewer: "alice"})
	}, time.Hour)
	s.env.RegisterDelayedCallback(func() {
		late = sendDecision(s.env, Decision{ReviewID: testRun + "#1", Action: ActionRetry, Reviewer: "alice"})
	}, 2*time.Hour)
	s.env.RegisterDelayedCallback(func() {
		st := queryReview(s.T(), s.env)
		s.Equal(ReviewPending, st.State, "the second failure still waits")
		s.Equal(testRun+"#2", st.ReviewID)
		s.Len(st.History, 1)
		skip = decidePending(s.T(), s.env, ActionSkip, "bob")
	}, 3*time.Hour)

	s.env.ExecuteWorkflow(NewHire, hire())

	s.Require().NoError(s.env.GetWorkflowError())
	requireDecided(s.T(), first)
	s.Require().Error(again.rejected, "the same decision twice")
	s.False(again.accepted)
	s.Require().Error(late.rejected)
	s.Equal("review "+testRun+"#1 is not pending; pending is "+testRun+"#2", late.rejected.Error())
	requireDecided(s.T(), skip)
	var res IncidentResult
	s.Require().NoError(s.env.GetWorkflowResult(&res))
	s.Equal([]Decision{
		{ReviewID: testRun + "#1", Action: ActionRetry, Reviewer: "alice"},
		{ReviewID: testRun + "#2", Action: ActionSkip, Reviewer: "bob"},
	}, res.Reviews)
	s.True(res.Results[1].Skipped)
}

// A decision sent while nothing waits (the target call is still running) is refused, and the
// failure that follows waits for a decision of its own.
func (s *incidentSuite) TestADecisionWithNoReviewPendingIsRefused() {
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).After(time.Hour).Return(connectors.Result{}, finalError()).Once()
	var early, decided *updateOutcome
	s.env.RegisterDelayedCallback(func() {
		s.Empty(queryReview(s.T(), s.env).State)
		early = sendDecision(s.env, Decision{ReviewID: testRun + "#1", Action: ActionAbort, Reviewer: "mallory"})
	}, time.Minute)
	s.env.RegisterDelayedCallback(func() {
		s.Equal(ReviewPending, queryReview(s.T(), s.env).State, "the early decision decided nothing")
		decided = decidePending(s.T(), s.env, ActionAbort, "carol")
	}, 48*time.Hour)

	s.env.ExecuteWorkflow(NewHire, hire())

	s.Require().Error(early.rejected)
	s.Equal("no review pending", early.rejected.Error())
	requireDecided(s.T(), decided)
	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	s.Contains(err.Error(), "aborted by reviewer carol", "carol's decision, not mallory's")
}

func (s *incidentSuite) TestADecisionForAnotherReviewIsRefused() {
	s.env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(connectors.Result{}, finalError()).Once()
	var wrong, unnamed, nonsense, decided *updateOutcome
	s.env.RegisterDelayedCallback(func() {
		wrong = sendDecision(s.env, Decision{ReviewID: "other-run#1", Action: ActionAbort})
		unnamed = sendDecision(s.env, Decision{Action: ActionAbort})
		nonsense = sendDecision(s.env, Decision{ReviewID: testRun + "#1", Action: "maybe"})
	}, time.Minute)
	s.env.RegisterDelayedCallback(func() {
		s.Equal(ReviewPending, queryReview(s.T(), s.env).State)
		decided = decidePending(s.T(), s.env, ActionAbort, "carol")
	}, time.Hour)

	s.env.ExecuteWorkflow(NewHire, hire())

	s.Require().Error(wrong.rejected)
	s.Equal("review other-run#1 is not pending; pending is "+testRun+"#1", wrong.rejected.Error())
	s.Require().Error(unnamed.rejected)
	s.Require().Error(nonsense.rejected)
	s.Contains(nonsense.rejected.Error(), "action must be retry, skip or abort")
	requireDecided(s.T(), decided)
	s.Contains(s.env.GetWorkflowError().Error(), "aborted by reviewer carol")
}

// The reviewer is assigned and released under the review's id, so retried activities count
// each review once.
func (s *incidentSuite) TestTheReviewerIsAssignedAndReleasedByReviewID() {
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	env.OnActivity(a.CheckPlannedRevision, mock.Anything, mock.Anything).Return("", nil).Once()
	in := hire()
	env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(connectors.Result{}, finalError()).Once()
	env.OnActivity(a.AssignReviewer, mock.Anything, activities.ReviewerRequest{
		Policy: in.Review, WorkflowID: "default-test-workflow-id", ReviewID: testRun + "#1"}).Return("alice", nil).Once()
	env.OnActivity(a.ReleaseReviewer, mock.Anything, testRun+"#1").Return(nil).Once()
	env.OnActivity(a.NotifyFailure, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		st := queryReview(s.T(), env)
		s.Equal("alice", st.Assignee)
		decidePending(s.T(), env, ActionAbort, "alice")
	}, time.Hour)

	env.ExecuteWorkflow(NewHire, in)

	s.Require().Error(env.GetWorkflowError())
	env.AssertExpectations(s.T())
}

// Two decisions for the pending review can reach one workflow task, both validated before the
// incident resumes; the test environment delivers updates one task each, so the validator is
// asked directly here.
func TestValidatorRefusesASecondDecisionOfOneReview(t *testing.T) {
	r := &review{status: ReviewStatus{ReviewID: "run#1", State: ReviewPending}}
	retry := Decision{ReviewID: "run#1", Action: ActionRetry, Reviewer: "alice"}
	require.NoError(t, r.validate(retry))
	require.NoError(t, r.record(nil, retry))
	err := r.validate(Decision{ReviewID: "run#1", Action: ActionAbort, Reviewer: "bob"})
	require.EqualError(t, err, "review run#1 is decided already")
	require.Equal(t, retry, *r.decision)
}

// An incident canceled while its review waits closes the review and frees the reviewer.
func (s *incidentSuite) TestCancelingAWaitingIncidentReleasesItsReviewer() {
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	env.OnActivity(a.CheckPlannedRevision, mock.Anything, mock.Anything).Return("", nil).Once()
	env.OnActivity(a.ProvisionTarget, mock.Anything, callTo("okta")).Return(connectors.Result{}, finalError()).Once()
	env.OnActivity(a.AssignReviewer, mock.Anything, mock.Anything).Return("alice", nil).Once()
	env.OnActivity(a.ReleaseReviewer, mock.Anything, testRun+"#1").Return(nil).Once()
	env.OnActivity(a.NotifyFailure, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)

	env.ExecuteWorkflow(NewHire, hire())

	s.Require().Error(env.GetWorkflowError())
	env.AssertExpectations(s.T())
	s.Equal(ReviewCanceled, queryReview(s.T(), env).State)
}
