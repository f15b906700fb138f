package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
)

// OktaLogPoll is started by the Schedule poll-<instance> of an Okta instance (and by `ilm
// poll`). Its one activity reads the System Log from the cursor and starts an App workflow
// per event; the events never enter this workflow's history. The cursor comes from the last
// completion result: a failed run completes nothing, so the next run starts where the last
// successful one stopped.
func OktaLogPoll(ctx workflow.Context, in activities.OktaPollRequest) (activities.OktaPollReport, error) {
	if in.Cursor == nil && workflow.HasLastCompletionResult(ctx) {
		var last activities.OktaPollReport
		if err := workflow.GetLastCompletionResult(ctx, &last); err == nil {
			in.Cursor = &last.Cursor
		}
	}
	var out activities.OktaPollReport
	ctx = workflow.WithActivityOptions(ctx, withSummary(logRead, "poll the System Log of "+in.Instance))
	err := workflow.ExecuteActivity(ctx, a.PollOktaLog, in).Get(ctx, &out)
	return out, err
}

// AppAdd provisions the person in the app's instance: an update that may enable (and create,
// when the instance creates missing accounts), after checking that Okta still assigns the app.
func AppAdd(ctx workflow.Context, ev activities.AppEvent) (IncidentResult, error) {
	return runAppEvent(ctx, ev)
}

// AppRemove disables the person in the app's instance, after checking that Okta no longer
// assigns the app.
func AppRemove(ctx workflow.Context, ev activities.AppEvent) (IncidentResult, error) {
	return runAppEvent(ctx, ev)
}

// AppUpdate updates the person in every mapped app Okta assigns them.
func AppUpdate(ctx workflow.Context, ev activities.AppEvent) (IncidentResult, error) {
	return runAppEvent(ctx, ev)
}

// runAppEvent resolves the event against Okta and the store, makes the target calls (a
// failure goes to human review, as for HR incidents) and records the person's apps.
//
// Resolving and recording are local activities: short, idempotent reads and one store
// write, run inside the workflow task. The server's cost per task bounds App Sync's
// throughput on small machines, and an event that ends as skipped then costs one task.
func runAppEvent(ctx workflow.Context, ev activities.AppEvent) (IncidentResult, error) {
	res := IncidentResult{Type: ev.Type}
	var plan activities.AppPlan
	actx := workflow.WithLocalActivityOptions(ctx, quickRead)
	if err := workflow.ExecuteLocalActivity(actx, a.ResolveAppEvent, ev).Get(ctx, &plan); err != nil {
		return res, fmt.Errorf("resolve %s event %s: %w", ev.Type, ev.UUID, err)
	}
	in := plan.Incident
	res.EmployeeID = in.EmployeeID
	if in.EmployeeID != "" {
		if err := workflow.UpsertTypedSearchAttributes(ctx, EmployeeIDKey.ValueSet(in.EmployeeID)); err != nil {
			return res, err
		}
	}
	if plan.Skip != "" {
		res.Skipped = plan.Skip
		return res, nil
	}
	if err := runSteps(ctx, in, &res); err != nil {
		return res, err
	}
	if plan.Apps.IsZero() {
		return res, nil
	}
	rec := activities.ApplicationsRequest{EmployeeID: in.EmployeeID, Apps: plan.Apps,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Type: ev.Type}
	if err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, quickWrite), a.RecordApplications, rec).Get(ctx, nil); err != nil {
		return res, fmt.Errorf("record applications: %w", err)
	}
	res.ProfileSaved = true
	return res, nil
}
