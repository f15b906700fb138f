package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
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

// AppAdd is the playbook of IAM - App Add: Okta assigned an app to a user.
//
//  1. Resolve the event: stop when Okta no longer assigns the app (a stale event), the app
//     is not in the app map, or HR marks the person terminated or a termination disabled
//     them (lifecycle.DecideAppEvent holds these rules).
//  2. Update the account in the app's instance. It may enable the account, except an
//     Active Directory account before AD Activation; it creates a missing account when the
//     instance is configured to.
//  3. Add the app to the person's stored app list.
func AppAdd(ctx workflow.Context, ev activities.AppEvent) (IncidentResult, error) {
	inc, plan, err := beginApp(ctx, ev)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	for _, target := range plan.Instances {
		if err := inc.call(ctx, target, connectors.OpUpdate, plan.Options); err != nil {
			return inc.res, err
		}
	}
	return inc.recordApps(ctx, plan.Apps)
}

// AppRemove is the playbook of IAM - App Remove: Okta unassigned an app from a user.
//
//  1. Resolve the event: stop when Okta assigns the app again (a stale event) or the app
//     is not in the app map.
//  2. Disable the account in the app's instance.
//  3. Remove the app from the person's stored app list.
func AppRemove(ctx workflow.Context, ev activities.AppEvent) (IncidentResult, error) {
	inc, plan, err := beginApp(ctx, ev)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	for _, target := range plan.Instances {
		if err := inc.call(ctx, target, connectors.OpDisable, connectors.UpdateOptions{}); err != nil {
			return inc.res, err
		}
	}
	return inc.recordApps(ctx, plan.Apps)
}

// AppUpdate is the playbook of IAM - App Update: the Okta user's profile changed.
//
//  1. Resolve the event: the mapped apps Okta assigns the user now; stop when there are none.
//  2. Update the account in each of their instances, in app map order; never enabling it.
//  3. Store those apps as the person's app list.
func AppUpdate(ctx workflow.Context, ev activities.AppEvent) (IncidentResult, error) {
	inc, plan, err := beginApp(ctx, ev)
	if err != nil || inc.stale() {
		return inc.res, err
	}
	for _, target := range plan.Instances {
		if err := inc.call(ctx, target, connectors.OpUpdate, connectors.UpdateOptions{}); err != nil {
			return inc.res, err
		}
	}
	return inc.recordApps(ctx, plan.Apps)
}

// beginApp resolves an App event against Okta and the store, and opens its incident; an
// event that changes nothing comes back with res.Skipped set. A failed call of the
// incident goes to human review, as for HR incidents.
//
// Resolving, the target calls and recording are local activities, run inside the workflow
// task: short, idempotent reads, one call per instance (an update or disable, made again
// when retried) and one store write. The server's cost per task bounds App Sync's
// throughput on small machines: an event costs one workflow task, not two and an activity
// task per instance.
func beginApp(ctx workflow.Context, ev activities.AppEvent) (*incident, activities.AppPlan, error) {
	inc := &incident{res: IncidentResult{Type: ev.Type}}
	var plan activities.AppPlan
	actx := workflow.WithLocalActivityOptions(ctx, quickRead)
	if err := workflow.ExecuteLocalActivity(actx, a.ResolveAppEvent, ev).Get(ctx, &plan); err != nil {
		return inc, plan, fmt.Errorf("resolve %s event %s: %w", ev.Type, ev.UUID, err)
	}
	inc.in = plan.Incident
	inc.res.EmployeeID = plan.Incident.EmployeeID
	if inc.in.EmployeeID != "" {
		if err := workflow.UpsertTypedSearchAttributes(ctx, EmployeeIDKey.ValueSet(inc.in.EmployeeID)); err != nil {
			return inc, plan, err
		}
	}
	// Incidents started before the Email search attribute replay without this upsert.
	if plan.EmailSearch != "" && workflow.GetVersion(ctx, emailSearchAttributeChange, workflow.DefaultVersion, 1) == 1 {
		if err := workflow.UpsertTypedSearchAttributes(ctx, EmailKey.ValueSet(plan.EmailSearch)); err != nil {
			return inc, plan, err
		}
	}
	inc.res.Skipped = plan.Skip
	if !inc.stale() {
		inc.review = newReview(ctx, plan.Incident)
		// Incidents started before calling targets in local activities replay with activities.
		inc.localCalls = workflow.GetVersion(ctx, appLocalTargetCallChange, workflow.DefaultVersion, 1) == 1
	}
	return inc, plan, nil
}

// recordApps makes the incident's change to the person's stored app list, once every call
// succeeded or was skipped. The zero change records nothing.
func (inc *incident) recordApps(ctx workflow.Context, apps activities.AppListChange) (IncidentResult, error) {
	if apps.IsZero() {
		return inc.res, nil
	}
	rec := activities.ApplicationsRequest{EmployeeID: inc.in.EmployeeID, Apps: apps,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Type: inc.res.Type}
	if err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, quickWrite), a.RecordApplications, rec).Get(ctx, nil); err != nil {
		return inc.res, fmt.Errorf("record applications: %w", err)
	}
	inc.res.ProfileSaved = true
	return inc.res, nil
}
