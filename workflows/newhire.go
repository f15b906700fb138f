package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
)

// NewHire is the playbook of IAM - New Hire: HR hired a person ILM has no profile of.
//
//  1. Stop if a profile was stored for the person since the poll planned the incident.
//  2. With provisioning.unique_names, reserve the person's account name: free in the store
//     and in every create target (accountname.go).
//  3. Create the account in each create target, in the configured order. An Active
//     Directory account is created disabled, with no password: AD Activation enables it.
//     A target whose scope the person is out of gets no account: the result says "out of
//     scope".
//  4. Store the profile, AD status Pending (the detector's new profile), with the name.
//
// A failed call mails IT and waits for a reviewer to retry, skip or abort; the profile is
// stored only once every call succeeded or was skipped.
func NewHire(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	inc, err := beginHR(ctx, in)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	if err := inc.reserveAccountName(ctx, in.Targets.Create); err != nil {
		return inc.res, err
	}
	for _, target := range in.Targets.Create {
		if err := inc.call(ctx, target, connectors.OpCreate, connectors.UpdateOptions{}); err != nil {
			return inc.res, err
		}
	}
	if err := inc.applyScope(ctx, connectors.OpCreate, scoped(in.Targets)); err != nil {
		return inc.res, err
	}
	return inc.commit(ctx, inc.in.Profile)
}
