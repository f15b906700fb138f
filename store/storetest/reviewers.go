package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
)

// roster is the hr roster the assignment tests start from: alice, bob and carol, none
// assigned yet.
func roster(t *testing.T, s store.Store) {
	t.Helper()
	require.NoError(t, s.SetRoster(t.Context(), "hr", []store.Reviewer{
		{Username: "carol", Email: "carol@example.com"},
		{Username: "alice", Email: "alice@example.com", OnCall: true},
		{Username: "bob", Email: "bob@example.com"},
	}))
}

// reviewer returns the roster entry of the hr reviewer.
func reviewer(t *testing.T, s store.Store, username string) store.Reviewer {
	t.Helper()
	rs, err := s.ListReviewers(t.Context(), "hr")
	require.NoError(t, err)
	for _, r := range rs {
		if r.Username == username {
			return r
		}
	}
	t.Fatalf("%s is not on the hr roster", username)
	return store.Reviewer{}
}

// pickUser picks the named reviewer.
func pickUser(username string) func([]store.Reviewer) int {
	return func(rs []store.Reviewer) int {
		for i, r := range rs {
			if r.Username == username {
				return i
			}
		}
		return -1
	}
}

func assignment(reviewID string, minute int) store.Assignment {
	return store.Assignment{ReviewID: reviewID, Role: "hr", WorkflowID: "person/1001", At: at.Add(time.Duration(minute) * time.Minute)}
}

func testSetRoster(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	alice := store.Reviewer{Role: "hr", Username: "alice", Email: "alice@example.com", OpenAssignments: 2, LastAssignedAt: at}
	bob := store.Reviewer{Role: "hr", Username: "bob", Email: "bob@example.com", OpenAssignments: 1, LastAssignedAt: at}
	require.NoError(t, s.SetReviewers(ctx, "hr", []store.Reviewer{alice, bob}))

	erin := store.Reviewer{Username: "erin", Email: "erin@example.com", OpenAssignments: 5, LastAssignedAt: at}
	moved := store.Reviewer{Username: "alice", Email: "alice@example.org", OnCall: true}
	require.NoError(t, s.SetRoster(ctx, "hr", []store.Reviewer{erin, moved}))

	rs, err := s.ListReviewers(ctx, "hr")
	require.NoError(t, err)
	assert.Equal(t, []store.Reviewer{
		{Role: "hr", Username: "alice", Email: "alice@example.org", OnCall: true, OpenAssignments: 2, LastAssignedAt: at},
		{Role: "hr", Username: "erin", Email: "erin@example.com"},
	}, rs, "alice keeps her counts under her new details, erin starts at none, bob left")

	require.Error(t, s.SetRoster(ctx, "hr", []store.Reviewer{erin, erin}))
	again, err := s.ListReviewers(ctx, "hr")
	require.NoError(t, err)
	assert.Equal(t, rs, again, "a failing replacement leaves the roster")
}

func testAssignReviewer(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	roster(t, s)

	var seen []string
	got, err := s.AssignReviewer(ctx, assignment("r1", 1), func(rs []store.Reviewer) int {
		for _, r := range rs {
			seen = append(seen, r.Username)
		}
		return pickUser("bob")(rs)
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"alice", "bob", "carol"}, seen, "pick sees the roster by username")
	want := store.Reviewer{Role: "hr", Username: "bob", Email: "bob@example.com", OpenAssignments: 1, LastAssignedAt: at.Add(time.Minute)}
	assert.Equal(t, want, got)
	assert.Equal(t, want, reviewer(t, s, "bob"))

	// A retried activity asks again for the same review: same reviewer, counts untouched.
	got, err = s.AssignReviewer(ctx, assignment("r1", 2), func([]store.Reviewer) int {
		t.Error("pick is not asked again for an assigned review")
		return 0
	})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, want, reviewer(t, s, "bob"))

	got, err = s.AssignReviewer(ctx, assignment("r2", 3), func([]store.Reviewer) int { return -1 })
	require.NoError(t, err)
	assert.Equal(t, store.Reviewer{}, got, "nobody qualifies")
	got, err = s.AssignReviewer(ctx, assignment("r2", 4), pickUser("carol"))
	require.NoError(t, err)
	assert.Equal(t, "carol", got.Username, "nothing was recorded for nobody")

	_, err = s.AssignReviewer(ctx, assignment("r3", 5), func(rs []store.Reviewer) int { return len(rs) })
	require.Error(t, err)
	_, err = s.AssignReviewer(ctx, assignment("r3", 5), pickUser("alice"))
	require.NoError(t, err)
	assert.Equal(t, 1, reviewer(t, s, "alice").OpenAssignments, "the failed pick recorded nothing")

	// A reviewer who left the roster is still the one of the reviews they were given.
	require.NoError(t, s.SetRoster(ctx, "hr", []store.Reviewer{{Username: "alice"}, {Username: "carol"}}))
	got, err = s.AssignReviewer(ctx, assignment("r1", 6), pickUser("alice"))
	require.NoError(t, err)
	assert.Equal(t, store.Reviewer{Role: "hr", Username: "bob"}, got)
}

func testReleaseReviewer(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	roster(t, s)
	for i, id := range []string{"r1", "r2", "r3"} {
		_, err := s.AssignReviewer(ctx, assignment(id, i), pickUser("bob"))
		require.NoError(t, err)
	}
	require.Equal(t, 3, reviewer(t, s, "bob").OpenAssignments)

	require.NoError(t, s.ReleaseReviewer(ctx, "r1"))
	require.NoError(t, s.ReleaseReviewer(ctx, "r1"), "a retried release")
	assert.Equal(t, 2, reviewer(t, s, "bob").OpenAssignments, "counted down once")
	require.NoError(t, s.ReleaseReviewer(ctx, "never-assigned"))
	assert.Equal(t, 2, reviewer(t, s, "bob").OpenAssignments)
	assert.Equal(t, at.Add(2*time.Minute), reviewer(t, s, "bob").LastAssignedAt, "a release keeps the last assignment time")

	require.NoError(t, s.SetRoster(ctx, "hr", []store.Reviewer{{Username: "alice"}}))
	require.NoError(t, s.ReleaseReviewer(ctx, "r2"), "the reviewer left the roster")
}

// Assignments made at once each see the counts the one before left, so least-loaded
// spreads them evenly.
func testConcurrentAssignments(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	roster(t, s)
	leastLoaded := func(rs []store.Reviewer) int {
		best := 0
		for i, r := range rs {
			if r.OpenAssignments < rs[best].OpenAssignments {
				best = i
			}
		}
		return best
	}
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.AssignReviewer(ctx, assignment(fmt.Sprintf("r%d", i), i), leastLoaded)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	for _, u := range []string{"alice", "bob", "carol"} {
		assert.Equal(t, n/3, reviewer(t, s, u).OpenAssignments, u)
	}
}
