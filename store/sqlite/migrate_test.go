package sqlite_test

import (
	"database/sql"
	"os"
	"path"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store/sqlite"
)

// Migrations developed side by side can land out of number order: a database that already
// has version N+1 still gets version N when it arrives.
func TestMigrationLandingOutOfOrderIsApplied(t *testing.T) {
	ctx := t.Context()
	dbPath := filepath.Join(t.TempDir(), "ilm.db")
	s, err := sqlite.Open(ctx, "sqlite:"+dbPath)
	require.NoError(t, err)
	defer s.Close()

	fsys := fstest.MapFS{}
	shipped, err := os.ReadDir("migrations")
	require.NoError(t, err)
	for _, e := range shipped {
		b, err := os.ReadFile(filepath.Join("migrations", e.Name()))
		require.NoError(t, err)
		fsys[path.Join("m", e.Name())] = &fstest.MapFile{Data: b}
	}
	fsys["m/1001_later.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE later (x INTEGER)`)}
	require.NoError(t, s.Migrate(ctx, fsys, "m"))
	fsys["m/1000_landed_late.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE landed_late (x INTEGER)`)}
	require.NoError(t, s.Migrate(ctx, fsys, "m"))
	require.NoError(t, s.Migrate(ctx, fsys, "m"), "and once applied, it is not applied again")

	db, err := sql.Open("sqlite", dbPath)
	require.NoError(t, err)
	defer db.Close()
	var name string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT name FROM schema_migrations WHERE version = 1000`).Scan(&name))
	assert.Equal(t, "1000_landed_late.sql", name)
	_, err = db.ExecContext(ctx, `INSERT INTO landed_late VALUES (1)`)
	assert.NoError(t, err, "the late migration ran")
}
