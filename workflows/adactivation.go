package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// ADActivation is the playbook of IAM - AD Activation. The poll raises it when a Pending
// person's hire date comes within the Workday instance's days_before_hire_to_enable_ad.
//
//  1. Stop if the stored profile is no longer the one the poll planned from: a second
//     activation would set and mail a second password.
//  2. Activate the account in each Active Directory instance among the create targets, in
//     order: one activity generates a temporary password, sets it (to be changed at first
//     logon), mails it to the service desk, enables the account and, when configured, mails
//     the manager that the accounts are ready. An account already enabled is left alone.
//     An instance whose scope the person is out of is not called.
//  3. Store the profile with AD status Enabled.
//
// A failed call mails IT and waits for a reviewer to retry, skip or abort; the profile is
// stored only once every call succeeded or was skipped.
func ADActivation(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	inc, err := beginHR(ctx, in)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	for _, target := range activeDirectory(in.Targets, in.Targets.Create) {
		if err := inc.call(ctx, target, connectors.OpActivate, connectors.UpdateOptions{}); err != nil {
			return inc.res, err
		}
	}
	if err := inc.applyScope(ctx, connectors.OpActivate, activeDirectory(in.Targets, scoped(in.Targets))); err != nil {
		return inc.res, err
	}
	return inc.commit(ctx, withADStatus(in.Profile, profile.ADEnabled))
}
