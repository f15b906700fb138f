package activities

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/ilm-dev/ilm/store"
)

// Reviewer assignment methods (config provisioning.review.method).
const (
	MethodRandom      = "random"
	MethodRoundRobin  = "round-robin"
	MethodLeastLoaded = "least-loaded"
)

// AssignReviewer picks the reviewer of a failed incident's review from the roster of the
// policy's role, by the policy's method, among on-call reviewers only when the policy says
// so. The store records the pick under the review id with the counts, in one transaction, so
// a retried attempt gets the same reviewer back and counts nothing twice. It returns "" when
// the role is unset or nobody qualifies: the incident then waits unassigned, still visible in
// the Web UI by its ReviewState.
func (a *Activities) AssignReviewer(ctx context.Context, req ReviewerRequest) (string, error) {
	if req.Policy.Role == "" {
		return "", nil
	}
	if req.ReviewID == "" {
		return "", invalid(errors.New("assign a reviewer: the request names no review"))
	}
	chosen, err := a.Store.AssignReviewer(ctx,
		store.Assignment{ReviewID: req.ReviewID, Role: req.Policy.Role, WorkflowID: req.WorkflowID, At: a.now()},
		func(roster []store.Reviewer) int { return pickReviewer(roster, req.Policy) })
	if err != nil {
		return "", fmt.Errorf("assign a reviewer: %w", err)
	}
	return chosen.Username, nil
}

// ReleaseReviewer closes the review's assignment once it is decided or expired, counting its
// reviewer's open assignments down once however often it runs.
func (a *Activities) ReleaseReviewer(ctx context.Context, reviewID string) error {
	if err := a.Store.ReleaseReviewer(ctx, reviewID); err != nil {
		return fmt.Errorf("release the reviewer: %w", err)
	}
	return nil
}

// pickReviewer returns the index in roster (ordered by username) of the reviewer the policy
// chooses, or -1 when nobody qualifies. Round-robin takes whoever was assigned longest ago
// (never counts as longest), least-loaded whoever has the fewest open reviews, then whoever
// was assigned longest ago; remaining ties go by username, so the order holds even when two
// assignments share a clock reading.
func pickReviewer(roster []store.Reviewer, p ReviewPolicy) int {
	var candidates []int
	for i, r := range roster {
		if !p.OnCallOnly || r.OnCall {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		return -1
	}
	longestAgo := func(i, j int) int { return roster[i].LastAssignedAt.Compare(roster[j].LastAssignedAt) }
	switch p.Method {
	case MethodRoundRobin:
		return slices.MinFunc(candidates, longestAgo)
	case MethodLeastLoaded:
		return slices.MinFunc(candidates, func(i, j int) int {
			if c := roster[i].OpenAssignments - roster[j].OpenAssignments; c != 0 {
				return c
			}
			return longestAgo(i, j)
		})
	default:
		return candidates[rand.IntN(len(candidates))]
	}
}
