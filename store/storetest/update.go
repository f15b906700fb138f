package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

func testUpdateProfile(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	created, err := s.UpdateProfile(ctx, "E000001", rec(1), func(p *profile.Profile, found bool) error {
		assert.False(t, found)
		*p = Person(1)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, int64(1), created.Revision)
	got, err := s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, created, got, "the profile returned is the one stored")

	updated, err := s.UpdateProfile(ctx, "E000001", rec(2), func(p *profile.Profile, found bool) error {
		assert.True(t, found)
		assert.Equal(t, int64(1), p.Revision)
		p.Fields[profile.Title] = "Director"
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, int64(2), updated.Revision)
	hs, err := s.History(ctx, "E000001")
	require.NoError(t, err)
	require.Len(t, hs, 2)
	assert.Equal(t, "Director", hs[1].Changes[profile.Title].New)

	refused := errors.New("not mine to change")
	_, err = s.UpdateProfile(ctx, "E000001", rec(3), func(p *profile.Profile, _ bool) error {
		p.Fields[profile.Title] = "CEO"
		return refused
	})
	require.ErrorIs(t, err, refused)
	_, err = s.UpdateProfile(ctx, "E000001", rec(3), func(p *profile.Profile, _ bool) error {
		p.Fields[profile.EmployeeID] = "E000002"
		return nil
	})
	require.Error(t, err, "a change may not move the profile to another key")
	got, err = s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, updated, got, "a refused change saves nothing")

	same, err := s.UpdateProfile(ctx, "E000001", rec(3), func(p *profile.Profile, _ bool) error {
		p.Fields[profile.Title] = "Director"
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, updated, same, "a change that changes nothing writes nothing")

	require.NoError(t, s.SaveProfile(ctx, got, rec(4)))
	got, err = s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Revision, "every save counts")
}

// Writers that each change their own part of one profile at once keep every change: the
// lost update of a read-modify-write without the person's lock.
func testConcurrentUpdates(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	require.NoError(t, s.SaveProfile(ctx, Person(1), rec(1)))
	const writers = 12
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, err := s.UpdateProfile(ctx, "E000001", rec(2), func(p *profile.Profile, _ bool) error {
				if i%2 == 0 {
					p.Applications = append(p.Applications, fmt.Sprintf("app-%02d", i))
				} else {
					p.Fields[fmt.Sprintf("custom%02d", i)] = "set"
				}
				return nil
			})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	got, err := s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	for i := range writers {
		if i%2 == 0 {
			assert.True(t, slices.Contains(got.Applications, fmt.Sprintf("app-%02d", i)), i)
		} else {
			assert.Equal(t, "set", got.Fields[fmt.Sprintf("custom%02d", i)], i)
		}
	}
	assert.Equal(t, int64(1+writers), got.Revision)
}

func testPollLease(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	now := at
	ok, _, err := s.LeasePoll(ctx, "workday", "poll-workday-manual/run1", now, now.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, ok)
	ok, _, err = s.LeasePoll(ctx, "workday", "poll-workday-manual/run1", now, now.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, ok, "a retried attempt of the same run takes its lease again")

	ok, holder, err := s.LeasePoll(ctx, "workday", "poll-workday-2025/run2", now.Add(time.Minute), now.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "a second poll of the instance waits")
	assert.Equal(t, "poll-workday-manual/run1", holder)
	ok, _, err = s.LeasePoll(ctx, "okta", "poll-okta/run3", now, now.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, ok, "another instance has a lease of its own")

	ok, _, err = s.LeasePoll(ctx, "workday", "poll-workday-2025/run2", now.Add(2*time.Hour), now.Add(3*time.Hour))
	require.NoError(t, err)
	assert.True(t, ok, "an expired lease (its holder died) is taken over")

	require.NoError(t, s.ReleasePoll(ctx, "workday", "poll-workday-manual/run1"), "releasing a lease no longer held does nothing")
	ok, _, err = s.LeasePoll(ctx, "workday", "poll-workday-manual/run4", now.Add(2*time.Hour), now.Add(3*time.Hour))
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, s.ReleasePoll(ctx, "workday", "poll-workday-2025/run2"))
	ok, _, err = s.LeasePoll(ctx, "workday", "poll-workday-manual/run4", now.Add(2*time.Hour), now.Add(3*time.Hour))
	require.NoError(t, err)
	assert.True(t, ok)

	state, err := s.GetPollState(ctx, "okta")
	require.NoError(t, err)
	assert.False(t, state.InitialSyncDone, "a lease is not a sync")
}
