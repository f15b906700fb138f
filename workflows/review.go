package workflows

import (
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

// Decision is what a reviewer sends with the ReviewSignal, e.g.
//
//	temporal workflow signal --workflow-id person/1001 --name review --input '{"action":"retry","reviewer":"alice"}'
type Decision struct {
	Action   string `json:"action"`
	Reviewer string `json:"reviewer,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// ReviewStatus is what the ReviewQuery returns.
type ReviewStatus struct {
	State    string     `json:"state,omitempty"`
	Reason   string     `json:"reason,omitempty"`
	Assignee string     `json:"assignee,omitempty"`
	Since    time.Time  `json:"since,omitempty"`
	History  []Decision `json:"history,omitempty"`
}

// review waits for human decisions on one incident.
type review struct {
	policy    activities.ReviewPolicy
	decisions workflow.ReceiveChannel
	status    ReviewStatus
}

func newReview(ctx workflow.Context, in activities.Incident) *review {
	r := &review{policy: in.Review, decisions: workflow.GetSignalChannel(ctx, ReviewSignal)}
	if err := workflow.SetQueryHandler(ctx, ReviewQuery, func() (ReviewStatus, error) { return r.status, nil }); err != nil {
		workflow.GetLogger(ctx).Error("register review query", "error", err)
	}
	return r
}

// await assigns a reviewer, waits for a valid decision and returns it. Invalid decisions are
// logged and ignored. When nobody decides within the policy's timeout the incident fails.
func (r *review) await(ctx workflow.Context, reason string) (Decision, error) {
	logger := workflow.GetLogger(ctx)
	var assignee string
	actx := workflow.WithActivityOptions(ctx, storeWrite)
	req := activities.ReviewerRequest{Policy: r.policy, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	if err := workflow.ExecuteActivity(actx, a.AssignReviewer, req).Get(ctx, &assignee); err != nil {
		logger.Warn("no reviewer assigned", "error", err)
	}
	r.status = ReviewStatus{State: ReviewPending, Reason: reason, Assignee: assignee, Since: workflow.Now(ctx), History: r.status.History}
	r.upsert(ctx, ReviewPending, assignee)
	logger.Info("waiting for a review decision", "reason", reason, "assignee", assignee)

	var d Decision
	decided := false
	timer, cancel := workflow.WithCancel(ctx)
	defer cancel()
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(r.decisions, func(c workflow.ReceiveChannel, _ bool) {
		c.Receive(ctx, &d)
		decided = true
	})
	sel.AddFuture(workflow.NewTimer(timer, r.policy.Timeout), func(workflow.Future) {})
	for {
		sel.Select(ctx)
		if !decided {
			r.status.State = ReviewExpired
			r.upsert(ctx, ReviewExpired, assignee)
			r.release(ctx, assignee)
			return Decision{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("no review decision within %s: %s", r.policy.Timeout, reason), "ReviewExpired", nil)
		}
		if d.Action == ActionRetry || d.Action == ActionSkip || d.Action == ActionAbort {
			break
		}
		logger.Warn("ignored review decision: action must be retry, skip or abort", "action", d.Action)
		decided = false
	}
	r.status.State = ReviewDecided
	r.status.History = append(r.status.History, d)
	r.upsert(ctx, ReviewDecided, assignee)
	r.release(ctx, assignee)
	return d, nil
}

func (r *review) upsert(ctx workflow.Context, state, assignee string) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, ReviewStateKey.ValueSet(state), ReviewerKey.ValueSet(assignee)); err != nil {
		workflow.GetLogger(ctx).Error("upsert review search attributes", "error", err)
	}
}

func (r *review) release(ctx workflow.Context, assignee string) {
	actx := workflow.WithActivityOptions(ctx, storeWrite)
	if err := workflow.ExecuteActivity(actx, a.ReleaseReviewer, r.policy.Role, assignee).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("release reviewer", "error", err)
	}
}
