package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// ADDeactivation is the playbook of IAM - AD Deactivation. The poll raises it when the hire
// date of a person whose AD account was activated moves back out of the activation window
// (never for a conversion hire).
//
//  1. Stop if the stored profile is no longer the one the poll planned from.
//  2. Disable the account in each Active Directory instance among the create targets, in
//     order (not where the person is out of the instance's scope).
//  3. Store the profile with AD status Pending, so AD Activation comes again when the new
//     hire date is within the window.
//
// A failed call mails IT and waits for a reviewer to retry, skip or abort; the profile is
// stored only once every call succeeded or was skipped.
func ADDeactivation(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	inc, err := beginHR(ctx, in)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	for _, target := range activeDirectory(in.Targets, in.Targets.Create) {
		if err := inc.call(ctx, target, connectors.OpDisable, connectors.UpdateOptions{}); err != nil {
			return inc.res, err
		}
	}
	if err := inc.applyScope(ctx, connectors.OpDisable, activeDirectory(in.Targets, scoped(in.Targets))); err != nil {
		return inc.res, err
	}
	return inc.commit(ctx, withADStatus(in.Profile, profile.ADPending))
}
