package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// Rehire is the playbook of IAM - Rehire User: HR rehired a person a termination disabled.
//
//  1. Stop if the stored profile is no longer the one the poll planned from.
//  2. With provisioning.unique_names and no name recorded on the profile, reserve one, free
//     in every update target (accountname.go); a recorded name is kept.
//  3. Update the account in each update target, in the configured order, enabling it —
//     except in Active Directory: an AD account is enabled only by AD Activation, which
//     sets and mails a new temporary password; enabling it here would bring back the old one.
//     A target whose scope the person is out of is not written.
//  4. Store the profile with AD status Pending, so AD Activation comes when the hire date
//     is within the activation window.
//
// A failed call mails IT and waits for a reviewer to retry, skip or abort; the profile is
// stored only once every call succeeded or was skipped.
func Rehire(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	inc, err := beginHR(ctx, in)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	if err := inc.reserveAccountName(ctx, in.Targets.Update); err != nil {
		return inc.res, err
	}
	for _, target := range in.Targets.Update {
		enable := connectors.UpdateOptions{AllowEnable: !isActiveDirectory(in.Targets, target)}
		if err := inc.call(ctx, target, connectors.OpUpdate, enable); err != nil {
			return inc.res, err
		}
	}
	if err := inc.applyScope(ctx, connectors.OpUpdate, scoped(in.Targets)); err != nil {
		return inc.res, err
	}
	return inc.commit(ctx, withADStatus(inc.in.Profile, profile.ADPending))
}
