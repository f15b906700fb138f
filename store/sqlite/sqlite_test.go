package sqlite_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/sqlite"
	"github.com/ilm-dev/ilm/store/storetest"
)

func TestStore(t *testing.T) {
	var mu sync.Mutex
	paths := map[*testing.T]string{}
	storetest.Run(t, func(t *testing.T) store.Store {
		mu.Lock()
		path, ok := paths[t]
		if !ok {
			path = filepath.Join(t.TempDir(), "ilm.db")
			paths[t] = path
		}
		mu.Unlock()
		s, err := store.Open(t.Context(), "sqlite:"+path)
		require.NoError(t, err)
		return s
	})
}

func TestMemory(t *testing.T) {
	ctx := t.Context()
	s, err := store.Open(ctx, "sqlite::memory:")
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, ":memory:", s.(*sqlite.Store).Path())

	ps := make([]profile.Profile, 1500)
	for i := range ps {
		ps[i] = storetest.Person(i)
	}
	require.NoError(t, s.SaveProfiles(ctx, ps, store.Record{Actor: "test"}))
	// The one connection must not be held while fn runs, or this would wait forever.
	n := 0
	require.NoError(t, s.ScanProfiles(ctx, func(p profile.Profile) error {
		n++
		_, err := s.History(ctx, p.EmployeeID())
		return err
	}))
	assert.Equal(t, len(ps), n)
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	missing := filepath.Join(t.TempDir(), "no-such-dir", "ilm.db")
	_, err := sqlite.Open(ctx, "sqlite:"+missing)
	require.Error(t, err)
	assert.Contains(t, err.Error(), missing)
	assert.Contains(t, err.Error(), "does not exist")

	for _, dsn := range []string{"sqlite:", "postgres://x", "ilm.db", "sqlite:ilm.db?mode=ro"} {
		_, err := sqlite.Open(ctx, dsn)
		assert.Error(t, err, dsn)
	}
}

func TestDSNForms(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	t.Chdir(dir)
	for _, dsn := range []string{"sqlite:relative.db", "sqlite:" + filepath.Join(dir, "abs.db"), "sqlite://" + filepath.Join(dir, "url.db"), "SQLITE:upper.db"} {
		s, err := store.Open(ctx, dsn)
		require.NoError(t, err, dsn)
		require.NoError(t, s.Close())
	}
	for _, name := range []string{"relative.db", "abs.db", "url.db", "upper.db"} {
		assert.FileExists(t, filepath.Join(dir, name))
	}
}

// TestConcurrentOpen opens a new database from many pools at once, as processes starting
// together do: the migrations must be applied once and every open must succeed.
func TestConcurrentOpen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ilm.db")
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			s, err := sqlite.Open(ctx, "sqlite:"+path)
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var applied int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied))
	assert.Equal(t, 1, applied)
}
