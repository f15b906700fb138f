package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
)

// nameRun is a New Hire or Rehire run with the account-name step mocked: what each step
// was given.
type nameRun struct {
	env       *testsuite.TestWorkflowEnvironment
	requests  []activities.NameRequest
	calls     []activities.TargetRequest
	committed []activities.CommitRequest
}

// newNameRun mocks the steps: ReserveAccountName answers with reserve's results, one per
// call, every target call succeeds.
func newNameRun(t *testing.T, reserve ...func() (string, error)) *nameRun {
	var ts testsuite.WorkflowTestSuite
	r := &nameRun{env: reviewedEnv(&ts)}
	r.env.OnActivity(a.ReserveAccountName, mock.Anything, mock.Anything).Return(func(_ context.Context, req activities.NameRequest) (string, error) {
		r.requests = append(r.requests, req)
		require.LessOrEqual(t, len(r.requests), len(reserve), "ReserveAccountName called more often than expected")
		return reserve[len(r.requests)-1]()
	}).Maybe()
	r.env.OnActivity(a.ProvisionTarget, mock.Anything, mock.Anything).Return(func(_ context.Context, req activities.TargetRequest) (connectors.Result, error) {
		r.calls = append(r.calls, req)
		return connectors.Result{Instance: req.Call.Instance, Action: req.Call.Operation, Success: true}, nil
	})
	r.env.OnActivity(a.CommitProfile, mock.Anything, mock.Anything).Return(func(_ context.Context, req activities.CommitRequest) error {
		r.committed = append(r.committed, req)
		return nil
	}).Maybe()
	return r
}

func reserved(name string) func() (string, error) { return func() (string, error) { return name, nil } }

func (r *nameRun) run(t *testing.T, workflow any, in activities.Incident) IncidentResult {
	t.Helper()
	r.env.ExecuteWorkflow(workflow, in)
	require.NoError(t, r.env.GetWorkflowError())
	var res IncidentResult
	require.NoError(t, r.env.GetWorkflowResult(&res))
	return res
}

// The name is reserved before the first write, for the create targets, and every call and
// the commit carry it.
func TestNewHireReservesTheNameBeforeTheFirstWrite(t *testing.T) {
	r := newNameRun(t, reserved("ada.lovelace"))
	in := hire()
	in.UniqueNames = true

	res := r.run(t, NewHire, in)

	require.Len(t, r.requests, 1)
	assert.Equal(t, []string{"okta", "ad"}, r.requests[0].Targets)
	require.Len(t, r.calls, 2)
	for _, c := range r.calls {
		assert.Equal(t, "ada.lovelace", c.Profile.AccountName, c.Call.Instance)
	}
	require.Len(t, r.committed, 1)
	assert.Equal(t, "ada.lovelace", r.committed[0].Profile.AccountName, "recorded on the profile")
	assert.Equal(t, connectors.Result{Instance: nameStep, Action: OpReserveName, Success: true, Username: "ada.lovelace"}, res.Results[0])
}

// Without unique names, or with a name recorded already (a rehire keeps it), there is no
// step.
func TestNoNameStepWhenOffOrRecorded(t *testing.T) {
	for _, tc := range []struct {
		name     string
		workflow any
		typ      lifecycle.EventType
		unique   bool
		recorded string
	}{
		{"new hire, off", NewHire, lifecycle.NewHire, false, ""},
		{"rehire, off", Rehire, lifecycle.RehireUser, false, ""},
		{"rehire, name recorded", Rehire, lifecycle.RehireUser, true, "ada.lovelace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newNameRun(t)
			in := hire()
			in.Type, in.UniqueNames, in.Profile.AccountName = tc.typ, tc.unique, tc.recorded
			in.Targets.Update = []string{"ad", "okta"}

			r.run(t, tc.workflow, in)

			assert.Empty(t, r.requests)
			require.Len(t, r.committed, 1)
			assert.Equal(t, tc.recorded, r.committed[0].Profile.AccountName)
		})
	}
}

// A rehire with no name recorded reserves one, free in the targets it updates.
func TestRehireWithoutANameReservesOne(t *testing.T) {
	r := newNameRun(t, reserved("ada.lovelace"))
	in := hire()
	in.Type, in.UniqueNames = lifecycle.RehireUser, true
	in.Targets.Update = []string{"ad", "okta"}

	r.run(t, Rehire, in)

	require.Len(t, r.requests, 1)
	assert.Equal(t, []string{"ad", "okta"}, r.requests[0].Targets)
	require.Len(t, r.committed, 1)
	assert.Equal(t, "ada.lovelace", r.committed[0].Profile.AccountName)
}

// No free name goes to review: a retry reserves again; a skip creates the accounts with
// the mappers' own names.
func TestNameFailureGoesToReview(t *testing.T) {
	noName := func() (string, error) {
		return "", temporal.NewNonRetryableApplicationError("no free account name for employee 1001", activities.ErrTypeInvalid, nil)
	}
	t.Run("retry", func(t *testing.T) {
		r := newNameRun(t, noName, reserved("ada.lovelace2"))
		r.env.RegisterDelayedCallback(func() { decidePending(t, r.env, ActionRetry, "alice") }, time.Minute)
		in := hire()
		in.UniqueNames = true

		res := r.run(t, NewHire, in)

		assert.Len(t, r.requests, 2)
		assert.Equal(t, "ada.lovelace2", r.committed[0].Profile.AccountName)
		assert.Len(t, res.Reviews, 1)
	})
	t.Run("skip", func(t *testing.T) {
		r := newNameRun(t, noName)
		r.env.RegisterDelayedCallback(func() { decidePending(t, r.env, ActionSkip, "bob") }, time.Minute)
		in := hire()
		in.UniqueNames = true

		res := r.run(t, NewHire, in)

		assert.True(t, res.Results[0].Skipped)
		assert.Contains(t, res.Results[0].Reason, "skipped by reviewer bob: no free account name")
		assert.Len(t, r.calls, 2, "the accounts are created")
		assert.Empty(t, r.calls[0].Profile.AccountName)
		assert.Empty(t, r.committed[0].Profile.AccountName)
	})
}
