package sqlite_test

import (
	"database/sql"

	"os"
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

// TestConcurrentOpen opens a new database from many pools at once.
func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ilm.db")
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	storetest.ConcurrentOpen(t, "sqlite:"+path, db)
}

// A profile written by schema version 1 gets its summary columns from its fields, and no
// digest: a poll then compares its fields whole.
func TestMigrationFillsSummaries(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ilm.db")
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	init, err := os.ReadFile("migrations/0001_init.sql")
	require.NoError(t, err)
	for _, stmt := range []string{
		string(init),
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0)`,
		`INSERT INTO profiles VALUES ('1001', 'ann@example.com',
			'{"employeeid":"1001","displayname":" Ann Lee ","employmentstatus":"Terminated","terminationtrigger":"TUFE"}',
			'Disabled', 1, 'workday', 0, 0, '[]', 'null', 0)`,
		`INSERT INTO profiles VALUES ('1002', 'bob@example.com', '{"employeeid":"1002"}', 'Enabled', 1, 'workday', 1, 0, '[]', 'null', 0)`,
	} {
		_, err := db.ExecContext(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	require.NoError(t, db.Close())

	s, err := store.Open(ctx, "sqlite:"+path)
	require.NoError(t, err)
	defer s.Close()
	var got []profile.Summary
	require.NoError(t, s.ScanSummaries(ctx, func(sum profile.Summary) error {
		got = append(got, sum)
		return nil
	}))
	assert.Equal(t, []profile.Summary{
		{EmployeeID: "1001", Email: "ann@example.com", DisplayName: "Ann Lee", EmploymentStatus: "Terminated",
			TerminationTrigger: "TUFE", ADStatus: profile.ADDisabled, SourcePriority: 1},
		{EmployeeID: "1002", Email: "bob@example.com", ADStatus: profile.ADEnabled, SourcePriority: 1, ConversionHire: true},
	}, got)
}

// The database holds people's data: the file, and the WAL beside it, are the owner's only,
// whatever the umask.
func TestNewFileIsTheOwnersOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ilm.db")
	s, err := sqlite.Open(t.Context(), "sqlite:"+path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	_, err = s.UpdateProfile(t.Context(), "1", store.Record{Actor: "test"}, func(p *profile.Profile, _ bool) error {
		p.Fields = profile.Fields{profile.EmployeeID: "1"}
		return nil
	})
	require.NoError(t, err)
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
	}
}
