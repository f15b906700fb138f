package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
)

// Reviewer actions (SPEC §1: a failed incident waits for retry / skip / abort).
const (
	ActionRetry = "retry"
	ActionSkip  = "skip"
	ActionAbort = "abort"
)

// Decision is what a reviewer sends with the ReviewUpdate. It decides only the review it
// names: the one the ReviewQuery shows as pending, e.g.
//
//	temporal workflow query --workflow-id person/1001 --name review
//	temporal workflow update execute --workflow-id person/1001 --name review \
//	    --input '{"review_id":"<review_id from the query>","action":"retry","reviewer":"alice"}'
type Decision struct {
	ReviewID string `json:"review_id"`
	Action   string `json:"action"`
	Reviewer string `json:"reviewer,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// ReviewStatus is what the ReviewQuery returns: the incident's latest review and the
// decisions taken so far.
type ReviewStatus struct {
	ReviewID string     `json:"review_id,omitempty"`
	State    string     `json:"state,omitempty"`
	Reason   string     `json:"reason,omitempty"`
	Assignee string     `json:"assignee,omitempty"`
	Since    time.Time  `json:"since,omitempty"`
	History  []Decision `json:"history,omitempty"`
}

// review asks humans to decide on an incident's failures, one review per failure. A decision
// arrives as an Update whose validator accepts it only for the pending review, so a decision
// sent twice, late, or for another failure is refused to its sender instead of deciding
// whatever fails next.
type review struct {
	policy activities.ReviewPolicy
	status ReviewStatus
	// opened counts the reviews of this run; it numbers their ids.
	opened int
	// decision is the pending review's decision, once the Update recorded it.
	decision *Decision
}

// newReview registers the review query and update of the incident. The update handler never
// blocks, so no handler is left running when the workflow returns.
func newReview(ctx workflow.Context, in activities.Incident) *review {
	r := &review{policy: in.Review}
	logger := workflow.GetLogger(ctx)
	if err := workflow.SetQueryHandler(ctx, ReviewQuery, func() (ReviewStatus, error) { return r.status, nil }); err != nil {
		logger.Error("register review query", "error", err)
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, ReviewUpdate, r.record, workflow.UpdateHandlerOptions{Validator: r.validate})
	if err != nil {
		logger.Error("register review update", "error", err)
	}
	return r
}

// validate refuses a decision that is not for the pending review, or comes after its
// decision. A refused update leaves no trace in history.
func (r *review) validate(d Decision) error {
	switch {
	case d.Action != ActionRetry && d.Action != ActionSkip && d.Action != ActionAbort:
		return fmt.Errorf("action must be retry, skip or abort, not %q", d.Action)
	case r.status.State != ReviewPending:
		return errors.New("no review pending")
	case d.ReviewID != r.status.ReviewID:
		return fmt.Errorf("review %s is not pending; pending is %s", d.ReviewID, r.status.ReviewID)
	case r.decision != nil:
		return fmt.Errorf("review %s is decided already", d.ReviewID)
	}
	return nil
}

// record takes the decision the validator accepted; await picks it up.
func (r *review) record(_ workflow.Context, d Decision) error {
	r.decision = &d
	return nil
}

// await opens a review of a failure: it assigns a reviewer, waits for a decision on this
// review and returns it. When nobody decides within the policy's timeout the incident fails.
func (r *review) await(ctx workflow.Context, reason string) (Decision, error) {
	r.opened++
	id := r.nextID(ctx)
	assignee := r.assign(ctx, id)
	r.decision = nil
	r.status = ReviewStatus{ReviewID: id, State: ReviewPending, Reason: reason, Assignee: assignee,
		Since: workflow.Now(ctx), History: r.status.History}
	r.upsert(ctx)
	workflow.GetLogger(ctx).Info("waiting for a review decision", "review_id", id, "reason", reason, "assignee", assignee)

	_, err := workflow.AwaitWithTimeout(ctx, r.policy.Timeout, func() bool { return r.decision != nil })
	switch {
	case r.decision != nil:
		d := *r.decision
		r.status.History = append(r.status.History, d)
		r.close(ctx, ReviewDecided)
		return d, nil
	case err != nil: // the incident was canceled
		closing, _ := workflow.NewDisconnectedContext(ctx)
		r.close(closing, ReviewCanceled)
		return Decision{}, err
	default:
		r.close(ctx, ReviewExpired)
		return Decision{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("no review decision within %s: %s", r.policy.Timeout, reason), "ReviewExpired", nil)
	}
}

// nextID names the review just opened: the run, which a later run of the same workflow id
// does not share, and the review's number in it. The run is the one before any reset, so the
// ids stay those of the history a reset replays.
func (r *review) nextID(ctx workflow.Context) string {
	info := workflow.GetInfo(ctx)
	run := info.OriginalRunID
	if run == "" {
		run = info.WorkflowExecution.RunID
	}
	return fmt.Sprintf("%s#%d", run, r.opened)
}

// assign asks the roster for the review's reviewer; without one the review still waits.
func (r *review) assign(ctx workflow.Context, reviewID string) string {
	var assignee string
	req := activities.ReviewerRequest{Policy: r.policy, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, ReviewID: reviewID}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, storeWrite), a.AssignReviewer, req).Get(ctx, &assignee); err != nil {
		workflow.GetLogger(ctx).Warn("no reviewer assigned", "review_id", reviewID, "error", err)
	}
	return assignee
}

// close ends the pending review in state, before anything blocks, so that the validator
// refuses decisions from then on; then it frees the reviewer, if a roster was asked for one.
func (r *review) close(ctx workflow.Context, state string) {
	r.status.State = state
	r.upsert(ctx)
	if r.policy.Role == "" {
		return
	}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, storeWrite), a.ReleaseReviewer, r.status.ReviewID).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("release reviewer", "review_id", r.status.ReviewID, "error", err)
	}
}

func (r *review) upsert(ctx workflow.Context) {
	err := workflow.UpsertTypedSearchAttributes(ctx, ReviewStateKey.ValueSet(r.status.State), ReviewerKey.ValueSet(r.status.Assignee))
	if err != nil {
		workflow.GetLogger(ctx).Error("upsert review search attributes", "error", err)
	}
}
