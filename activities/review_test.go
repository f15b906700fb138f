package activities

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
)

// reviewDesk is the activities over a real store whose hr roster is alice, bob and carol, on a
// clock that moves a minute at each reading.
type reviewDesk struct {
	t     *testing.T
	acts  *Activities
	st    store.Store
	clock time.Time
}

func newReviewDesk(t *testing.T, roster ...store.Reviewer) *reviewDesk {
	st, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	if roster == nil {
		roster = []store.Reviewer{{Username: "alice"}, {Username: "bob"}, {Username: "carol"}}
	}
	require.NoError(t, st.SetRoster(t.Context(), "hr", roster))
	d := &reviewDesk{t: t, st: st, clock: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	d.acts = &Activities{Store: st, Now: func() time.Time {
		d.clock = d.clock.Add(time.Minute)
		return d.clock
	}}
	return d
}

// assign runs AssignReviewer for the review with the policy's method.
func (d *reviewDesk) assign(reviewID string, p ReviewPolicy) string {
	d.t.Helper()
	p.Role = "hr"
	got, err := d.acts.AssignReviewer(d.t.Context(), ReviewerRequest{Policy: p, WorkflowID: "person/1001", ReviewID: reviewID})
	require.NoError(d.t, err)
	return got
}

// open returns each reviewer's open assignments.
func (d *reviewDesk) open() map[string]int {
	d.t.Helper()
	rs, err := d.st.ListReviewers(d.t.Context(), "hr")
	require.NoError(d.t, err)
	open := map[string]int{}
	for _, r := range rs {
		open[r.Username] = r.OpenAssignments
	}
	return open
}

func TestRoundRobinGoesAroundTheRoster(t *testing.T) {
	d := newReviewDesk(t)
	var got []string
	for i := range 4 {
		got = append(got, d.assign(fmt.Sprintf("review-%d", i), ReviewPolicy{Method: MethodRoundRobin}))
	}
	assert.Equal(t, []string{"alice", "bob", "carol", "alice"}, got)
}

func TestRoundRobinHoldsWhenTheClockStandsStill(t *testing.T) {
	d := newReviewDesk(t)
	d.acts.Now = func() time.Time { return d.clock }
	var got []string
	for i := range 4 {
		got = append(got, d.assign(fmt.Sprintf("review-%d", i), ReviewPolicy{Method: MethodRoundRobin}))
	}
	assert.Equal(t, []string{"alice", "bob", "carol", "alice"}, got)
}

func TestOnCallOnlyAsksOnlyTheOnCall(t *testing.T) {
	d := newReviewDesk(t, store.Reviewer{Username: "alice", OnCall: true}, store.Reviewer{Username: "bob"},
		store.Reviewer{Username: "carol", OnCall: true})
	policy := ReviewPolicy{Method: MethodRoundRobin, OnCallOnly: true}
	var got []string
	for i := range 3 {
		got = append(got, d.assign(fmt.Sprintf("review-%d", i), policy))
	}
	assert.Equal(t, []string{"alice", "carol", "alice"}, got)
	for i := range 10 {
		assert.NotEqual(t, "bob", d.assign(fmt.Sprintf("random-%d", i), ReviewPolicy{Method: MethodRandom, OnCallOnly: true}))
	}

	nobody := newReviewDesk(t, store.Reviewer{Username: "bob"})
	assert.Empty(t, nobody.assign("review-1", policy), "nobody on call: the review waits unassigned")
	assert.Equal(t, map[string]int{"bob": 0}, nobody.open())
}

func TestLeastLoadedPicksTheFewestOpenReviews(t *testing.T) {
	d := newReviewDesk(t)
	policy := ReviewPolicy{Method: MethodLeastLoaded}
	var got []string
	for i := range 3 {
		got = append(got, d.assign(fmt.Sprintf("review-%d", i), policy))
	}
	require.Equal(t, []string{"alice", "bob", "carol"}, got, "all at none: whoever was assigned longest ago")
	require.NoError(t, d.acts.ReleaseReviewer(t.Context(), "review-0"))
	assert.Equal(t, "alice", d.assign("review-3", policy), "alice's review was decided")
	assert.Equal(t, "bob", d.assign("review-4", policy), "all at one: bob was assigned longest ago")
	assert.Equal(t, map[string]int{"alice": 1, "bob": 2, "carol": 1}, d.open())
}

// A retried AssignReviewer (its first attempt committed, then the worker was lost) gets the
// same reviewer back, counted once, even by the random method.
func TestRetriedAssignmentGetsTheSameReviewer(t *testing.T) {
	d := newReviewDesk(t)
	for _, method := range []string{MethodRandom, MethodRoundRobin, MethodLeastLoaded} {
		id := "review-" + method
		first := d.assign(id, ReviewPolicy{Method: method})
		require.NotEmpty(t, first)
		for range 5 {
			assert.Equal(t, first, d.assign(id, ReviewPolicy{Method: method}), method)
		}
	}
	total := 0
	for _, n := range d.open() {
		total += n
	}
	assert.Equal(t, 3, total, "three reviews, three open assignments")
}

func TestReleaseCountsDownOnce(t *testing.T) {
	d := newReviewDesk(t)
	policy := ReviewPolicy{Method: MethodRoundRobin}
	for i := range 4 {
		d.assign(fmt.Sprintf("review-%d", i), policy)
	}
	require.Equal(t, 2, d.open()["alice"])
	for range 3 {
		require.NoError(t, d.acts.ReleaseReviewer(t.Context(), "review-0"))
	}
	assert.Equal(t, map[string]int{"alice": 1, "bob": 1, "carol": 1}, d.open())
}

func TestNoRoleNoAssignment(t *testing.T) {
	d := newReviewDesk(t)
	got, err := d.acts.AssignReviewer(t.Context(), ReviewerRequest{Policy: ReviewPolicy{Method: MethodRoundRobin}, ReviewID: "r"})
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = d.acts.AssignReviewer(t.Context(), ReviewerRequest{Policy: ReviewPolicy{Role: "hr"}})
	assert.ErrorContains(t, err, "names no review")
	assert.Equal(t, map[string]int{"alice": 0, "bob": 0, "carol": 0}, d.open())
}
