package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
)

// uniqueNameVersion marks the account-name step of New Hire and Rehire in workflow
// histories: executions recorded before it replay without the step.
const uniqueNameVersion = "unique-account-name"

// OpReserveName is the account-name step as incident results and reviews name it.
const OpReserveName connectors.Operation = "reserve-account-name"

// nameStep is the instance incident results name for the account-name step.
const nameStep = "unique_names"

// reserveAccountName gives the person their unique account name before the first write to
// targets (provisioning.unique_names, when the incident was planned with it on and the
// profile records no name yet): the name reserved for them, or the first candidate free in
// the store and in every one of targets (activities.ReserveAccountName). The name goes
// onto the incident's profile, which every later call maps and the commit stores. A failure
// goes to review like a target call; a reviewer's skip goes on without a reserved name, with
// the outgoing mappers' own rules.
func (inc *incident) reserveAccountName(ctx workflow.Context, targets []string) error {
	if !inc.in.UniqueNames || inc.in.Profile.AccountName != "" {
		return nil
	}
	if workflow.GetVersion(ctx, uniqueNameVersion, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	actx := workflow.WithActivityOptions(ctx, withSummary(nameReservation, "reserve a unique account name"))
	req := activities.NameRequest{Profile: inc.in.Profile, Targets: targets}
	for {
		var name string
		err := workflow.ExecuteActivity(actx, a.ReserveAccountName, req).Get(ctx, &name)
		if err == nil {
			inc.in.Profile.AccountName = name
			inc.res.Results = append(inc.res.Results, connectors.Result{Instance: nameStep, Action: OpReserveName, Success: true, Username: name})
			return nil
		}
		retry, err := inc.onFailure(ctx, failedResult(activities.TargetCall{Instance: nameStep, Operation: OpReserveName}, err), err)
		if !retry {
			return err
		}
	}
}
