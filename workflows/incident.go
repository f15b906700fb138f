package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
)

// IncidentResult records what an incident did: one result per target call, like XSOAR's
// IAM.Vendor, and whether the profile was stored.
type IncidentResult struct {
	Type         lifecycle.EventType `json:"type"`
	EmployeeID   string              `json:"employee_id"`
	Results      []connectors.Result `json:"results"`
	ProfileSaved bool                `json:"profile_saved"`
	// Skipped, when set, says why the incident changed nothing: the stored profile moved on
	// since the poll planned it, or (App Sync) a stale event, an unmapped app, a terminated
	// person.
	Skipped string     `json:"skipped,omitempty"`
	Reviews []Decision `json:"reviews,omitempty"`
}

// incident is one running incident: its input, what it did so far, and the review its
// failed calls go to. The playbooks (newhire.go, termination.go, …) drive it.
type incident struct {
	in     activities.Incident
	res    IncidentResult
	review *review
	// localCalls makes the target calls local activities (App incidents): run inside the
	// workflow task, they spare the server an activity task and a second workflow task.
	localCalls bool
}

// beginHR opens an HR incident: it refuses an input whose profile is not the person's, then
// checks that the stored profile is still the one the poll planned from. A stale incident
// comes back with res.Skipped set, and its playbook ends having done nothing.
func beginHR(ctx workflow.Context, in activities.Incident) (*incident, error) {
	inc := &incident{in: in, res: IncidentResult{Type: in.Type, EmployeeID: in.EmployeeID}, review: newReview(ctx, in)}
	if in.EmployeeID == "" || in.Profile.EmployeeID() != in.EmployeeID {
		return inc, temporal.NewNonRetryableApplicationError("incident input has no or a mismatched employee id", "InvalidInput", nil)
	}
	stale, err := checkPlannedRevision(ctx, in)
	inc.res.Skipped = stale
	return inc, err
}

// stale says whether the incident must end without acting.
func (inc *incident) stale() bool { return inc.res.Skipped != "" }

// commitInWorkflowTask is the change by which an incident stores its profile in a local
// activity, inside the workflow task that ends the incident, rather than in an activity of its
// own: a workflow task and an activity task fewer per incident. Incidents begun before it
// replay their CommitProfile activity.
const commitInWorkflowTask = "commit-profile-local-activity"

// commit stores p, the profile the playbook ends with, and a history row naming the
// incident. Playbooks call it only once every call succeeded or was skipped.
func (inc *incident) commit(ctx workflow.Context, p profile.Profile) (IncidentResult, error) {
	req := activities.CommitRequest{Profile: p, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Type: inc.in.Type}
	var stored workflow.Future
	if workflow.GetVersion(ctx, commitInWorkflowTask, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		stored = workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, storeWrite), a.CommitProfile, req)
	} else {
		stored = workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, quickWrite), a.CommitProfile, req)
	}
	if err := stored.Get(ctx, nil); err != nil {
		return inc.res, fmt.Errorf("store profile: %w", err)
	}
	inc.res.ProfileSaved = true
	return inc.res, nil
}

// withADStatus is p with its AD status set to s.
func withADStatus(p profile.Profile, s profile.ADStatus) profile.Profile {
	p.ADStatus = s
	return p
}

// isActiveDirectory says whether the instance is one of the incident's AD targets.
func isActiveDirectory(t activities.Targets, instance string) bool {
	return slices.Contains(t.ActiveDirectory, instance)
}

// activeDirectory returns the Active Directory instances among names, in order.
func activeDirectory(t activities.Targets, names []string) []string {
	var ad []string
	for _, name := range names {
		if isActiveDirectory(t, name) {
			ad = append(ad, name)
		}
	}
	return ad
}

// applyScope does what the incident's scope steps say (activities.Targets.Scope), for the
// scoped targets among names, in order: a target the person is out of, or left keeping the
// account, gets a skipped result for op saying so and no call; one the person entered gets
// the account a new hire would, created or enabled (an AD account created disabled, for AD
// Activation); one the person left gets their account disabled there, and only there.
// An incident planned before scopes existed has no steps: it calls nothing more.
func (inc *incident) applyScope(ctx workflow.Context, op connectors.Operation, names []string) error {
	for _, s := range inc.in.Targets.Scope {
		if !slices.Contains(names, s.Instance) {
			continue
		}
		var err error
		switch s.Move {
		case lifecycle.ScopeEnter:
			opts := connectors.UpdateOptions{CreateIfNotExists: s.Create, AllowEnable: !isActiveDirectory(inc.in.Targets, s.Instance)}
			err = inc.call(ctx, s.Instance, connectors.OpUpdate, opts)
		case lifecycle.ScopeExitDisable:
			err = inc.call(ctx, s.Instance, connectors.OpDisable, connectors.UpdateOptions{})
		case lifecycle.ScopeExitKeep:
			inc.skip(s.Instance, op, fmt.Sprintf("left the scope (%s): account kept as it is (on_scope_exit: keep)", s.Scope))
		default:
			inc.skip(s.Instance, op, fmt.Sprintf("out of scope (%s)", s.Scope))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scoped lists the instances the incident's scope steps name.
func scoped(t activities.Targets) []string {
	names := make([]string, len(t.Scope))
	for i, s := range t.Scope {
		names[i] = s.Instance
	}
	return names
}

// skip records an operation the incident does not make on the instance, and why.
func (inc *incident) skip(instance string, op connectors.Operation, reason string) {
	inc.res.Results = append(inc.res.Results, connectors.Result{Instance: instance, Action: op, Success: true, Skipped: true, Reason: reason})
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
		workflow.GetLogger(ctx).Warn("stale incident: nothing done", "reason", stale)
	}
	return stale, nil
}

// call runs op on the instance until it succeeds, or a reviewer skips it or aborts the
// incident. A failed call mails IT and opens a review; an abort or an expired review ends
// the incident with an error. A call refused because the instance is paused (its circuit
// breaker, activities/breaker.go) waits and is made again, as long as the pause lasts,
// without a review. Each call's result goes into the incident's result.
func (inc *incident) call(ctx workflow.Context, instance string, op connectors.Operation, opts connectors.UpdateOptions) error {
	c := activities.TargetCall{Instance: instance, Operation: op, Options: opts}
	preset := connectorCall
	if op == connectors.OpActivate {
		preset = activationCall
	}
	actx := workflow.WithActivityOptions(ctx, withSummary(preset, fmt.Sprintf("%s on %s", op, instance)))
	if inc.localCalls {
		actx = workflow.WithLocalActivityOptions(ctx, localCall(preset))
	}
	pauses := 0
	for {
		var out connectors.Result
		req := activities.TargetRequest{Call: c, Profile: inc.in.Profile}
		var err error
		if inc.localCalls {
			err = workflow.ExecuteLocalActivity(actx, a.ProvisionTarget, req).Get(ctx, &out)
		} else {
			err = workflow.ExecuteActivity(actx, a.ProvisionTarget, req).Get(ctx, &out)
		}
		if err == nil {
			inc.res.Results = append(inc.res.Results, out)
			return nil
		}
		if activities.IsTargetPaused(err) {
			pauses++
			if err := waitPaused(ctx, instance, pauses, err); err != nil {
				return err
			}
			continue
		}
		pauses = 0
		retry, err := inc.onFailure(ctx, failedResult(c, err), err)
		if !retry {
			return err
		}
	}
}

// onFailure handles a failed step of the incident (a target call, the name reservation): it
// mails IT and waits for the review. retry says a reviewer asked for the step again; a skip
// records the step as skipped by the reviewer and returns no error; an abort or an expired
// review ends the incident with an error.
func (inc *incident) onFailure(ctx workflow.Context, failed connectors.Result, err error) (retry bool, _ error) {
	notifyFailure(ctx, inc.in, failed)
	d, rerr := inc.review.await(ctx, fmt.Sprintf("%s on %s failed: %s", failed.Action, failed.Instance, failed.ErrorMessage))
	if rerr != nil {
		inc.res.Results = append(inc.res.Results, failed)
		return false, rerr
	}
	inc.res.Reviews = append(inc.res.Reviews, d)
	switch d.Action {
	case ActionRetry:
		return true, nil
	case ActionSkip:
		inc.res.Results = append(inc.res.Results, connectors.Result{Instance: failed.Instance, Action: failed.Action, Success: true, Skipped: true,
			Reason: "skipped by reviewer " + d.Reviewer + ": " + failed.ErrorMessage})
		return false, nil
	default:
		inc.res.Results = append(inc.res.Results, failed)
		return false, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("aborted by reviewer %s after %s on %s failed", d.Reviewer, failed.Action, failed.Instance), "Aborted", err)
	}
}

// waitPaused waits before the call to a paused instance is made again: until the
// instance's next probe is due, and longer the longer the pause has lasted (a minute more
// each time, up to activities.MaxPausedWait), so that an incident waiting out a long outage
// keeps its history short. IT was mailed once, when the instance was paused.
func waitPaused(ctx workflow.Context, instance string, pauses int, paused error) error {
	wait := max(activities.PausedWait(paused), min(time.Duration(pauses-1)*time.Minute, activities.MaxPausedWait))
	if pauses == 1 {
		workflow.GetLogger(ctx).Warn("target paused: the call waits", "instance", instance, "wait", wait)
	}
	return workflow.Sleep(ctx, wait)
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
