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
	"github.com/ilm-dev/ilm/profile"
)

// Each HR playbook makes its calls on the targets its input carries, in order, then stores
// the profile with the AD status the playbook sets. Two AD instances, one that new hires are
// created in: only that one is activated and deactivated.
func TestPlaybooksCallTheirTargetsInOrder(t *testing.T) {
	targets := activities.Targets{Create: []string{"ad"}, Update: []string{"ad", "ad2", "apps"}, Disable: []string{"apps", "ad"},
		ActiveDirectory: []string{"ad", "ad2"}}
	call := func(instance string, op connectors.Operation) activities.TargetCall {
		return activities.TargetCall{Instance: instance, Operation: op}
	}
	enabling := func(instance string) activities.TargetCall {
		c := call(instance, connectors.OpUpdate)
		c.Options.AllowEnable = true
		return c
	}
	for _, tc := range []struct {
		typ      lifecycle.EventType
		workflow any
		// planned is the AD status of the event's profile; stored, the one committed.
		planned, stored profile.ADStatus
		calls           []activities.TargetCall
	}{
		{lifecycle.NewHire, NewHire, profile.ADPending, profile.ADPending, []activities.TargetCall{call("ad", connectors.OpCreate)}},
		{lifecycle.UpdateUser, UpdateUser, profile.ADEnabled, profile.ADEnabled,
			[]activities.TargetCall{call("ad", connectors.OpUpdate), call("ad2", connectors.OpUpdate), call("apps", connectors.OpUpdate)}},
		// A rehire enables the app account; the AD accounts wait for AD Activation, which
		// sets a new password instead of bringing back the old one.
		{lifecycle.RehireUser, Rehire, "", profile.ADPending,
			[]activities.TargetCall{call("ad", connectors.OpUpdate), call("ad2", connectors.OpUpdate), enabling("apps")}},
		{lifecycle.TerminateUser, Termination, "", profile.ADDisabled,
			[]activities.TargetCall{call("apps", connectors.OpDisable), call("ad", connectors.OpDisable)}},
		{lifecycle.ADActivation, ADActivation, "", profile.ADEnabled, []activities.TargetCall{call("ad", connectors.OpActivate)}},
		{lifecycle.ADDeactivation, ADDeactivation, "", profile.ADPending, []activities.TargetCall{call("ad", connectors.OpDisable)}},
	} {
		t.Run(string(tc.typ), func(t *testing.T) {
			var ts testsuite.WorkflowTestSuite
			env := reviewedEnv(&ts)
			var calls []activities.TargetCall
			env.OnActivity(a.ProvisionTarget, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.TargetRequest) (connectors.Result, error) {
				calls = append(calls, r.Call)
				return connectors.Result{Instance: r.Call.Instance, Action: r.Call.Operation, Success: true}, nil
			})
			var committed []activities.CommitRequest
			env.OnActivity(a.CommitProfile, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.CommitRequest) error {
				committed = append(committed, r)
				return nil
			}).Once()
			in := hire()
			in.Type, in.Targets, in.Profile.ADStatus = tc.typ, targets, tc.planned

			env.ExecuteWorkflow(tc.workflow, in)

			require.NoError(t, env.GetWorkflowError())
			env.AssertExpectations(t)
			assert.Equal(t, tc.calls, calls)
			require.Len(t, committed, 1)
			assert.Equal(t, tc.stored, committed[0].Profile.ADStatus)
			assert.Equal(t, tc.typ, committed[0].Type)
			assert.Equal(t, in.Profile.Fields, committed[0].Profile.Fields)
		})
	}
}
