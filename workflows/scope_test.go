package workflows

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
)

// scopeRun runs a playbook on an input whose targets are ad, okta and github, github set
// apart by one scope step, and returns the calls it made and its result.
func scopeRun(t *testing.T, typ lifecycle.EventType, workflow any, step activities.ScopeStep) ([]activities.TargetCall, IncidentResult) {
	t.Helper()
	return scopeRunTargets(t, typ, workflow, activities.Targets{
		Create: []string{"ad", "okta"}, Update: []string{"ad", "okta"}, Disable: []string{"okta", "ad"},
		ActiveDirectory: []string{"ad"}, Scope: []activities.ScopeStep{step},
	})
}

// scopeRunTargets runs a playbook on an input with the targets, every call succeeding, and
// returns the calls it made and its result.
func scopeRunTargets(t *testing.T, typ lifecycle.EventType, workflow any, targets activities.Targets) ([]activities.TargetCall, IncidentResult) {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	env := reviewedEnv(&ts)
	var calls []activities.TargetCall
	env.OnActivity(a.ProvisionTarget, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.TargetRequest) (connectors.Result, error) {
		calls = append(calls, r.Call)
		return connectors.Result{Instance: r.Call.Instance, Action: r.Call.Operation, Success: true}, nil
	})
	env.OnActivity(a.CommitProfile, mock.Anything, mock.Anything).Return(nil).Once()
	in := hire()
	in.Type = typ
	in.Targets = targets
	env.ExecuteWorkflow(workflow, in)
	require.NoError(t, env.GetWorkflowError())
	env.AssertExpectations(t)
	var res IncidentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	return calls, res
}

func call(instance string, op connectors.Operation, opts connectors.UpdateOptions) activities.TargetCall {
	return activities.TargetCall{Instance: instance, Operation: op, Options: opts}
}

const scope = `employeetype != "Contractor"`

// A person an update moves out of github's scope has their account disabled there, and
// only there: ad and okta are updated, nothing else is disabled.
func TestScopeExitDisablesOnlyThatTarget(t *testing.T) {
	calls, res := scopeRun(t, lifecycle.UpdateUser, UpdateUser, activities.ScopeStep{Instance: "github", Move: lifecycle.ScopeExitDisable, Scope: scope})
	assert.Equal(t, []activities.TargetCall{
		call("ad", connectors.OpUpdate, connectors.UpdateOptions{}),
		call("okta", connectors.OpUpdate, connectors.UpdateOptions{}),
		call("github", connectors.OpDisable, connectors.UpdateOptions{}),
	}, calls)
	assert.True(t, res.ProfileSaved)
}

// on_scope_exit: keep calls nothing there, and says so in the result.
func TestScopeExitKeepCallsNothingThere(t *testing.T) {
	calls, res := scopeRun(t, lifecycle.UpdateUser, UpdateUser, activities.ScopeStep{Instance: "github", Move: lifecycle.ScopeExitKeep, Scope: scope})
	assert.Equal(t, []activities.TargetCall{
		call("ad", connectors.OpUpdate, connectors.UpdateOptions{}),
		call("okta", connectors.OpUpdate, connectors.UpdateOptions{}),
	}, calls)
	require.Len(t, res.Results, 3)
	assert.Equal(t, connectors.Result{Instance: "github", Action: connectors.OpUpdate, Success: true, Skipped: true,
		Reason: `left the scope (employeetype != "Contractor"): account kept as it is (on_scope_exit: keep)`}, res.Results[2])
}

// Entering a scope gives the account a new hire gets: created when missing and enabled,
// except in AD, where it is created disabled for AD Activation.
func TestScopeEnterCreatesTheAccount(t *testing.T) {
	calls, _ := scopeRun(t, lifecycle.UpdateUser, UpdateUser, activities.ScopeStep{Instance: "github", Move: lifecycle.ScopeEnter, Scope: scope, Create: true})
	assert.Equal(t, call("github", connectors.OpUpdate, connectors.UpdateOptions{CreateIfNotExists: true, AllowEnable: true}), calls[2])

	got, _ := scopeRunTargets(t, lifecycle.UpdateUser, UpdateUser, activities.Targets{Update: []string{"okta"}, ActiveDirectory: []string{"ad"},
		Scope: []activities.ScopeStep{{Instance: "ad", Move: lifecycle.ScopeEnter, Scope: scope, Create: true}}})
	assert.Equal(t, []activities.TargetCall{
		call("okta", connectors.OpUpdate, connectors.UpdateOptions{}),
		call("ad", connectors.OpUpdate, connectors.UpdateOptions{CreateIfNotExists: true}),
	}, got)
}

// A new hire out of github's scope gets no account there; the result says "out of scope".
func TestScopeOutNewHireGetsNoAccount(t *testing.T) {
	calls, res := scopeRun(t, lifecycle.NewHire, NewHire, activities.ScopeStep{Instance: "github", Move: lifecycle.ScopeOut, Scope: scope, Create: true})
	assert.Equal(t, []activities.TargetCall{
		call("ad", connectors.OpCreate, connectors.UpdateOptions{}),
		call("okta", connectors.OpCreate, connectors.UpdateOptions{}),
	}, calls)
	require.Len(t, res.Results, 3)
	assert.Equal(t, connectors.Result{Instance: "github", Action: connectors.OpCreate, Success: true, Skipped: true,
		Reason: `out of scope (employeetype != "Contractor")`}, res.Results[2])
}
