package activities

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/ilm-dev/ilm/store"
)

// AssignReviewer picks the reviewer of a failed incident from the roster of the policy's role,
// by the policy's method (random, round-robin, least-loaded), among on-call reviewers only when
// the policy says so. It returns "" when the role is unset or nobody qualifies: the incident
// then waits unassigned, still visible in the Web UI by its ReviewState.
func (a *Activities) AssignReviewer(ctx context.Context, req ReviewerRequest) (string, error) {
	if req.Policy.Role == "" {
		return "", nil
	}
	roster, err := a.Store.ListReviewers(ctx, req.Policy.Role)
	if err != nil {
		return "", fmt.Errorf("reviewers of %s: %w", req.Policy.Role, err)
	}
	var candidates []int
	for i, r := range roster {
		if !req.Policy.OnCallOnly || r.OnCall {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		return "", nil
	}
	chosen := pickReviewer(roster, candidates, req.Policy.Method)
	roster[chosen].OpenAssignments++
	roster[chosen].LastAssignedAt = a.now()
	if err := a.Store.SetReviewers(ctx, req.Policy.Role, roster); err != nil {
		return "", fmt.Errorf("record assignment: %w", err)
	}
	return roster[chosen].Username, nil
}

// ReleaseReviewer lowers the reviewer's open assignments once the review is decided.
func (a *Activities) ReleaseReviewer(ctx context.Context, role, username string) error {
	if role == "" || username == "" {
		return nil
	}
	roster, err := a.Store.ListReviewers(ctx, role)
	if err != nil {
		return fmt.Errorf("reviewers of %s: %w", role, err)
	}
	for i := range roster {
		if roster[i].Username == username && roster[i].OpenAssignments > 0 {
			roster[i].OpenAssignments--
			return a.Store.SetReviewers(ctx, role, roster)
		}
	}
	return nil
}

func pickReviewer(roster []store.Reviewer, candidates []int, method string) int {
	switch method {
	case "round-robin":
		sort.SliceStable(candidates, func(i, j int) bool {
			return roster[candidates[i]].LastAssignedAt.Before(roster[candidates[j]].LastAssignedAt)
		})
		return candidates[0]
	case "least-loaded":
		sort.SliceStable(candidates, func(i, j int) bool {
			return roster[candidates[i]].OpenAssignments < roster[candidates[j]].OpenAssignments
		})
		return candidates[0]
	default:
		return candidates[rand.IntN(len(candidates))]
	}
}
