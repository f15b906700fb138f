package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
)

// policy pauses a target when more than half of at least 4 calls in 10 minutes failed, and
// probes it every minute.
var policy = store.BreakerPolicy{MinCalls: 4, FailureRatio: 0.5, Window: 10 * time.Minute, ProbeEvery: time.Minute}

func call(instance string, failed bool, when time.Time) store.CallOutcome {
	c := store.CallOutcome{Instance: instance, Operation: "create", Failed: failed, At: when}
	if failed {
		c.Error = "connection refused"
	}
	return c
}

// trip pauses the instance at when: 4 calls that failed.
func trip(t *testing.T, s store.Store, instance string, when time.Time) {
	t.Helper()
	for i := range 4 {
		tripped, err := s.RecordCall(t.Context(), call(instance, true, when), policy)
		require.NoError(t, err)
		require.Equal(t, i == 3, tripped, "call %d", i)
	}
}

func testBreakerTrips(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	b, err := s.GetBreaker(ctx, "ad", at, policy.Window)
	require.NoError(t, err)
	assert.Equal(t, store.BreakerState{Instance: "ad"}, b, "a target never called is closed")

	// Failures leave the window as it moves on; final errors are successes to the breaker.
	for range 3 {
		_, err := s.RecordCall(ctx, call("ad", true, at.Add(-20*time.Minute)), policy)
		require.NoError(t, err)
	}
	for i, failed := range []bool{false, true, false, true} {
		tripped, err := s.RecordCall(ctx, call("ad", failed, at), policy)
		require.NoError(t, err)
		require.False(t, tripped, "call %d: with the old failures, 5 of 7 would have failed", i)
	}
	b, err = s.GetBreaker(ctx, "ad", at, policy.Window)
	require.NoError(t, err)
	assert.Equal(t, 4, b.Calls, "the calls of 20 minutes ago are out of the window")
	assert.Equal(t, 2, b.Failures)
	assert.False(t, b.Paused, "2 of 4 is not more than half")

	// Many workers fail at once: one of them pauses the target.
	var trips atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			tripped, err := s.RecordCall(ctx, call("ad", true, at.Add(time.Second)), policy)
			assert.NoError(t, err)
			if tripped {
				trips.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), trips.Load(), "exactly one caller trips the breaker")
	b, err = s.GetBreaker(ctx, "ad", at.Add(time.Second), policy.Window)
	require.NoError(t, err)
	assert.Equal(t, store.BreakerState{Instance: "ad", Paused: true, PausedAt: at.Add(time.Second),
		NextProbeAt: at.Add(time.Second + time.Minute), Calls: 16, Failures: 14,
		LastOperation: "create", LastError: "connection refused"}, b)

	ok, err := s.AdmitCall(ctx, "ad", at.Add(30*time.Second), policy.ProbeEvery)
	require.NoError(t, err)
	assert.Equal(t, store.Admission{NextProbeAt: at.Add(time.Second + time.Minute)}, ok, "a paused target refuses calls until the probe is due")
	other, err := s.AdmitCall(ctx, "okta", at.Add(30*time.Second), policy.ProbeEvery)
	require.NoError(t, err)
	assert.Equal(t, store.Admission{OK: true}, other, "other targets go on")
}

func testBreakerProbe(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	trip(t, s, "ad", at)
	due := at.Add(policy.ProbeEvery)

	// When the probe is due, of many callers at once one gets it.
	var probes atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			a, err := s.AdmitCall(ctx, "ad", due, policy.ProbeEvery)
			assert.NoError(t, err)
			assert.Equal(t, a.OK, a.Probe)
			if a.Probe {
				probes.Add(1)
			} else {
				assert.Equal(t, due.Add(policy.ProbeEvery), a.NextProbeAt)
			}
		})
	}
	wg.Wait()
	require.Equal(t, int32(1), probes.Load(), "one probe at a time")

	// A failed probe keeps the target paused, without a second trip.
	probe := call("ad", true, due)
	probe.Probe, probe.Operation, probe.Error = true, "update", "503 Service Unavailable"
	tripped, err := s.RecordCall(ctx, probe, policy)
	require.NoError(t, err)
	assert.False(t, tripped, "still paused: no second alert")
	b, err := s.GetBreaker(ctx, "ad", due, policy.Window)
	require.NoError(t, err)
	assert.True(t, b.Paused)
	assert.Equal(t, at, b.PausedAt, "paused since the trip")
	assert.Equal(t, "update", b.LastOperation)
	assert.Equal(t, "503 Service Unavailable", b.LastError)

	// The next probe is due a minute later; it succeeds and closes the breaker.
	next := due.Add(policy.ProbeEvery)
	a, err := s.AdmitCall(ctx, "ad", next, policy.ProbeEvery)
	require.NoError(t, err)
	require.Equal(t, store.Admission{OK: true, Probe: true}, a)
	probe = call("ad", false, next)
	probe.Probe = true
	tripped, err = s.RecordCall(ctx, probe, policy)
	require.NoError(t, err)
	assert.False(t, tripped)
	b, err = s.GetBreaker(ctx, "ad", next, policy.Window)
	require.NoError(t, err)
	assert.Equal(t, store.BreakerState{Instance: "ad", LastOperation: "update", LastError: "503 Service Unavailable"}, b,
		"closed, its window cleared so that the old failures do not pause it again")
	a, err = s.AdmitCall(ctx, "ad", next, policy.ProbeEvery)
	require.NoError(t, err)
	assert.Equal(t, store.Admission{OK: true}, a)

	// A call let through before the pause that succeeds after it does not close the breaker.
	trip(t, s, "ad", next)
	_, err = s.RecordCall(ctx, call("ad", false, next), policy)
	require.NoError(t, err)
	b, err = s.GetBreaker(ctx, "ad", next, policy.Window)
	require.NoError(t, err)
	assert.True(t, b.Paused, "only a probe closes it")
}

func testResumeTarget(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	trip(t, s, "ad", at)
	trip(t, s, "okta", at)

	resumed, err := s.ResumeTarget(ctx, "ad")
	require.NoError(t, err)
	assert.True(t, resumed)
	resumed, err = s.ResumeTarget(ctx, "ad")
	require.NoError(t, err)
	assert.False(t, resumed, "not paused any more")
	resumed, err = s.ResumeTarget(ctx, "scim")
	require.NoError(t, err)
	assert.False(t, resumed, "never paused")

	b, err := s.GetBreaker(ctx, "ad", at, policy.Window)
	require.NoError(t, err)
	assert.False(t, b.Paused)
	assert.Zero(t, b.Calls, "the window starts again")
	a, err := s.AdmitCall(ctx, "ad", at, policy.ProbeEvery)
	require.NoError(t, err)
	assert.True(t, a.OK)
	b, err = s.GetBreaker(ctx, "okta", at, policy.Window)
	require.NoError(t, err)
	assert.True(t, b.Paused, "another target stays paused")
	// Once resumed, the same failures pause it again, with a new alert.
	trip(t, s, "ad", at.Add(time.Minute))
}
