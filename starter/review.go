package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/workflows"
)

const reviewUsage = "want: ilm review status|decide (--employee-id ID | --workflow-id ID) [--review-id ID] --action retry|skip|abort [--reviewer NAME] [--comment TEXT]"

// runReview shows or decides the pending review of a failed incident. A decision is the
// incident's review Update for one review id, which the incident refuses unless that review
// is the one pending: a decision sent twice, or late, never decides another failure.
func runReview(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("review", stdout, stderr)
	employee := fs.String("employee-id", "", "employee id of the waiting HR incident (workflow person/ID)")
	workflowID := fs.String("workflow-id", "", "workflow id of the waiting incident, e.g. app/UUID for App Sync")
	reviewID := fs.String("review-id", "", "decide: the review decided (default: the one pending, read from the incident)")
	action := fs.String("action", "", "decide: retry, skip or abort")
	reviewer := fs.String("reviewer", "", "decide: who decides")
	comment := fs.String("comment", "", "decide: why")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "status" && pos[0] != "decide") {
		return &exitCodeError{code: exitUsage, err: errors.New(reviewUsage)}
	}
	id, err := incidentWorkflowID(*employee, *workflowID)
	if err != nil {
		return err
	}
	d := workflows.Decision{ReviewID: *reviewID, Action: *action, Reviewer: *reviewer, Comment: *comment}
	if pos[0] == "decide" {
		switch d.Action {
		case workflows.ActionRetry, workflows.ActionSkip, workflows.ActionAbort:
		default:
			return &exitCodeError{code: exitUsage, err: fmt.Errorf("--action must be retry, skip or abort, not %q", d.Action)}
		}
	}
	ctx := context.Background()
	_, tc, closeAll, err := c.openTemporal(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	if pos[0] == "status" {
		st, err := reviewStatus(ctx, tc, id)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	if d, err = decideReview(ctx, tc, id, d); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "review %s of %s decided: %s\n", d.ReviewID, id, d.Action)
	return nil
}

// incidentWorkflowID is the workflow id that --employee-id or --workflow-id names.
func incidentWorkflowID(employee, workflowID string) (string, error) {
	switch {
	case employee != "" && workflowID != "":
		return "", &exitCodeError{code: exitUsage, err: errors.New("give --employee-id or --workflow-id, not both")}
	case employee != "":
		return workflows.PersonWorkflowID(employee), nil
	case workflowID != "":
		return workflowID, nil
	}
	return "", &exitCodeError{code: exitUsage, err: errors.New("--employee-id or --workflow-id is required")}
}

// reviewStatus asks the incident for its ReviewStatus.
func reviewStatus(ctx context.Context, tc client.Client, workflowID string) (workflows.ReviewStatus, error) {
	var st workflows.ReviewStatus
	v, err := tc.QueryWorkflow(ctx, workflowID, "", workflows.ReviewQuery)
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		return st, fmt.Errorf("review status of %s: %w", workflowID, err)
	}
	return st, nil
}

// decideReview sends d to the incident and waits until it is recorded. A decision that names
// no review is for the one pending, which the incident is asked for first; when none is,
// nothing is sent.
func decideReview(ctx context.Context, tc client.Client, workflowID string, d workflows.Decision) (workflows.Decision, error) {
	if d.ReviewID == "" {
		st, err := reviewStatus(ctx, tc, workflowID)
		if err != nil {
			return d, err
		}
		if st.State != workflows.ReviewPending {
			return d, fmt.Errorf("%s: no review pending", workflowID)
		}
		d.ReviewID = st.ReviewID
	}
	h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: workflows.ReviewUpdate, Args: []any{d},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		return d, fmt.Errorf("decide review %s of %s: %w", d.ReviewID, workflowID, err)
	}
	return d, nil
}
