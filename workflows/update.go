package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
)

// UpdateUser is the playbook of IAM - Update User: some of the person's HR fields changed
// (or the person converted to this HR source).
//
//  1. Stop if the stored profile is no longer the one the poll planned from.
//  2. Update the account in each update target, in the configured order. An update never
//     enables a disabled account.
//  3. On the scoped targets (a target's scope): where the change moved the person into the
//     scope, give them the account a new hire gets (created, or enabled; in Active Directory
//     created disabled, for AD Activation); where it moved them out, disable their account
//     there, and only there (on_scope_exit: disable) or leave it (keep); where they are out
//     of scope, write nothing.
//  4. Store the profile with the new fields; its AD status is unchanged, or Pending when
//     the person entered an Active Directory target's scope.
//
// A failed call mails IT and waits for a reviewer to retry, skip or abort; the profile is
// stored only once every call succeeded or was skipped.
func UpdateUser(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	inc, err := beginHR(ctx, in)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	for _, target := range in.Targets.Update {
		if err := inc.call(ctx, target, connectors.OpUpdate, connectors.UpdateOptions{}); err != nil {
			return inc.res, err
		}
	}
	if err := inc.applyScope(ctx, connectors.OpUpdate, scoped(in.Targets)); err != nil {
		return inc.res, err
	}
	return inc.commit(ctx, in.Profile)
}
