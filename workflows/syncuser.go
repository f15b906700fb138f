package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
)

// SyncUserReview is the playbook of IAM - Sync User: a person the engine will not act on by
// itself (an orphan missing from the report, a display name another active person holds).
//
//  1. Stop if the stored profile is no longer the one the poll planned from.
//  2. Ask a reviewer to look at the person, with the incident's details.
//
// It calls no target and stores nothing; it ends with the reviewer's decision, or fails
// when nobody decides in time.
func SyncUserReview(ctx workflow.Context, in activities.Incident) (IncidentResult, error) {
	res := IncidentResult{Type: in.Type, EmployeeID: in.EmployeeID}
	if stale, err := checkPlannedRevision(ctx, in); err != nil || stale != "" {
		res.Skipped = stale
		return res, err
	}
	d, err := newReview(ctx, in).await(ctx, in.Details)
	if err != nil {
		return res, err
	}
	res.Reviews = append(res.Reviews, d)
	return res, nil
}
