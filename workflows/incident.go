package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
)

// IncidentResult records what an incident did: one result per target call, like XSOAR's
// IAM.Vendor, and whether the profile was stored.
type IncidentResult struct {
	Type         lifecycle.EventType `json:"type"`
	EmployeeID   string              `json:"employee_id"`
	Results      []connectors.Result `json:"results"`
	ProfileSaved bool                `json:"profile_saved"`
	// Skipped, when set, says why the incident changed nothing (App Sync: a stale event,
	// an unmapped app, a terminated person).
	Skipped string     `json:"skipped,omitempty"`
	Reviews []Decision `json:"reviews,omitempty"`
}

// NewHire creates the person's accounts in every target with create enabled, then stores the
// profile with AD status Pending.
func NewHire(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	return runIncident(ctx, in)
}

// UpdateUser updates every target, then stores the new profile.
func UpdateUser(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	return runIncident(ctx, in)
}

// Termination disables the person everywhere, then marks the profile Disabled.
func Termination(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	return runIncident(ctx, in)
}

// Rehire updates every target with allow-enable, then sets the profile back to Pending for AD
// activation.
func Rehire(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	return runIncident(ctx, in)
}

// ADActivation enables the AD account when the hire date comes within the activation window,
// then marks the profile Enabled.
func ADActivation(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	return runIncident(ctx, in)
}

// ADDeactivation disables the AD account of a person whose hire date moved back out of the
// activation window, then sets the profile back to Pending.
func ADDeactivation(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	return runIncident(ctx, in)
}

// SyncUserReview asks a human to look at a person the engine will not act on by itself (an
// orphan, a display-name collision). It changes nothing; it ends with the reviewer's decision.
func SyncUserReview(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	res := IncidentResult{Type: in.Type, EmployeeID: in.EmployeeID}
	if stale, err := checkPlannedRevision(ctx, in); err != nil || stale != "" {
		res.Skipped = stale
		return res, err
	}
	r := newReview(ctx, in)
	d, err := r.await(ctx, in.Details)
	if err != nil {
		return res, err
	}
	res.Reviews = append(res.Reviews, d)
	return res, nil
}

// runIncident first checks that the profile is still the one the incident was planned from,
// then calls each target in order; a failed call goes to human review (retry, skip or
// abort); when every call succeeded or was skipped it stores the resulting profile.
func runIncident(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	res := IncidentResult{Type: in.Type, EmployeeID: in.EmployeeID}
	if in.EmployeeID == "" || in.Profile.EmployeeID() != in.EmployeeID {
		return res, temporal.NewNonRetryableApplicationError("incident input has no or a mismatched employee id", "InvalidInput", nil)
	}
	if stale, err := checkPlannedRevision(ctx, in); err != nil || stale != "" {
		res.Skipped = stale
		return res, err
	}
	if err := runSteps(ctx, in, &res); err != nil {
		return res, err
	}
	commit := activities.CommitRequest{Profile: in.Profile, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Type: in.Type}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, storeWrite), a.CommitProfile, commit).Get(ctx, nil); err != nil {
		return res, fmt.Errorf("store profile: %w", err)
	}
	res.ProfileSaved = true
	return res, nil
}

// checkPlannedRevision says why the incident is stale ("" when it is not): the stored profile
// moved on since the poll planned it (another poll's incident, an App Sync change), so acting
// could repeat a change (a second password reset) or undo a newer one. A stale incident ends
// having done nothing; the next poll plans from what is stored.
func checkPlannedRevision(ctx workflow.Context, in activities.Incident) (string, error) {
	var stale string
	req := activities.RevisionCheck{EmployeeID: in.EmployeeID, PlannedRevision: in.PlannedRevision}
	err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, quickRead), a.CheckPlannedRevision, req).Get(ctx, &stale)
	if err != nil {
		return "", fmt.Errorf("check the stored profile: %w", err)
	}
	if stale != "" {
		workflow.GetLogger(ctx).Warn("stale incident: nothing done", "employee_id", in.EmployeeID, "reason", stale)
	}
	return stale, nil
}

// runSteps makes the incident's target calls in order, each until it succeeds or a reviewer
// skips it; an abort or an expired review ends the incident.
func runSteps(ctx workflow.Context, in activities.Incident, res *IncidentResult) error {
	r := newReview(ctx, in)
	for _, call := range in.Steps {
		out, err := callTarget(ctx, r, in, call, res)
		if err != nil {
			return err
		}
		res.Results = append(res.Results, out)
	}
	return nil
}

// callTarget runs one call until it succeeds, or a reviewer skips it or aborts the incident.
func callTarget(ctx workflow.Context, r *review, in activities.Incident, call activities.TargetCall, res *IncidentResult) (connectors.Result, error) {
	actx := workflow.WithActivityOptions(ctx, withSummary(connectorCall, fmt.Sprintf("%s on %s", call.Operation, call.Instance)))
	for {
		var out connectors.Result
		err := workflow.ExecuteActivity(actx, a.ProvisionTarget, activities.TargetRequest{Call: call, Profile: in.Profile}).Get(ctx, &out)
		if err == nil {
			return out, nil
		}
		failed := failedResult(call, err)
		notifyFailure(ctx, in, failed)
		d, rerr := r.await(ctx, fmt.Sprintf("%s on %s failed: %s", call.Operation, call.Instance, failed.ErrorMessage))
		if rerr != nil {
			res.Results = append(res.Results, failed)
			return failed, rerr
		}
		res.Reviews = append(res.Reviews, d)
		switch d.Action {
		case ActionRetry:
			continue
		case ActionSkip:
			return connectors.Result{Instance: call.Instance, Action: call.Operation, Success: true, Skipped: true,
				Reason: "skipped by reviewer " + d.Reviewer + ": " + failed.ErrorMessage}, nil
		default:
			res.Results = append(res.Results, failed)
			return failed, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("aborted by reviewer %s after %s on %s failed", d.Reviewer, call.Operation, call.Instance), "Aborted", err)
		}
	}
}

// notifyFailure mails IT that a call failed. A notice that cannot be sent is logged and does
// not hold up the review.
func notifyFailure(ctx workflow.Context, in activities.Incident, failed connectors.Result) {
	n := activities.FailureNotice{
		Type: in.Type, EmployeeID: in.EmployeeID, Name: in.Profile.DisplayName(), Instance: failed.Instance,
		Action: failed.Action, Error: failed.ErrorMessage, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID,
	}
	actx := workflow.WithActivityOptions(ctx, withSummary(notification, "mail IT: "+string(failed.Action)+" on "+failed.Instance+" failed"))
	if err := workflow.ExecuteActivity(actx, a.NotifyFailure, n).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("failure notice not sent", "instance", failed.Instance, "error", err)
	}
}

// failedResult records a failed call with the error's type and message.
func failedResult(call activities.TargetCall, err error) connectors.Result {
	out := connectors.Result{Instance: call.Instance, Action: call.Operation, ErrorMessage: err.Error()}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		out.ErrorCode = appErr.Type()
		out.ErrorMessage = appErr.Message()
	}
	return out
}

func withSummary(o workflow.ActivityOptions, summary string) workflow.ActivityOptions {
	o.Summary = summary
	return o
}
