package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// Termination is the playbook of IAM - Terminate User: HR ended the person's employment.
//
//  1. Stop if the stored profile is no longer the one the poll planned from.
//  2. Disable the account in each disable target, in the configured order.
//  3. Store the profile with AD status Disabled: no App Add enables the person again, and
//     only a rehire brings them back.
//
// A failed call mails IT and waits for a reviewer to retry, skip or abort; the profile is
// stored only once every call succeeded or was skipped.
func Termination(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	inc, err := beginHR(ctx, in)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	for _, target := range in.Targets.Disable {
		if err := inc.call(ctx, target, connectors.OpDisable, connectors.UpdateOptions{}); err != nil {
			return inc.res, err
		}
	}
	return inc.commit(ctx, withADStatus(in.Profile, profile.ADDisabled))
}
