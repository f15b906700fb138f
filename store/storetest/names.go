package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
)

func testReserveAccountName(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	name, err := s.ReservedAccountName(ctx, "E1")
	require.NoError(t, err)
	assert.Empty(t, name, "nobody holds a name yet")

	got, err := s.ReserveAccountName(ctx, "E1", "Jane.Roe", at)
	require.NoError(t, err)
	assert.Equal(t, "jane.roe", got, "names are kept lower-case")
	holder, err := s.AccountNameHolder(ctx, "JANE.ROE")
	require.NoError(t, err)
	assert.Equal(t, "E1", holder)

	// A retry of the same person gets their name back, whatever it asks for.
	got, err = s.ReserveAccountName(ctx, "E1", "jane.roe2", at)
	require.NoError(t, err)
	assert.Equal(t, "jane.roe", got)
	holder, err = s.AccountNameHolder(ctx, "jane.roe2")
	require.NoError(t, err)
	assert.Empty(t, holder, "the retry reserved nothing more")

	// Another person cannot take it, and gets nothing reserved.
	_, err = s.ReserveAccountName(ctx, "E2", "jane.roe", at)
	require.ErrorIs(t, err, store.ErrNameTaken)
	assert.ErrorContains(t, err, "employee E1")
	name, err = s.ReservedAccountName(ctx, "E2")
	require.NoError(t, err)
	assert.Empty(t, name)

	got, err = s.ReserveAccountName(ctx, "E2", "jane.roe2", at)
	require.NoError(t, err)
	assert.Equal(t, "jane.roe2", got)
	name, err = s.ReservedAccountName(ctx, "E2")
	require.NoError(t, err)
	assert.Equal(t, "jane.roe2", name)
}

// testConcurrentReservations has many people reserve the same names at once, each trying
// the names in order as the reservation activity does: every name goes to exactly one
// person, and each person gets exactly one name.
func testConcurrentReservations(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	const n = 8
	var wg sync.WaitGroup
	names := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("E%d", i)
			for c := 1; c <= n; c++ {
				name := "jane.roe"
				if c > 1 {
					name = fmt.Sprintf("jane.roe%d", c)
				}
				got, err := s.ReserveAccountName(ctx, id, name, at)
				if err == nil {
					names[i] = got
					return
				}
				if !assert.ErrorIs(t, err, store.ErrNameTaken) {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for i, name := range names {
		require.NoError(t, errs[i])
		require.NotEmpty(t, name, "E%d got no name", i)
		seen[name]++
		holder, err := s.AccountNameHolder(ctx, name)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("E%d", i), holder)
	}
	assert.Len(t, seen, n, "every person got a name of their own: %v", names)
}
