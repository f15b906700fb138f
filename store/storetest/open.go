package storetest

import (
	"database/sql"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
)

// ConcurrentOpen opens the new database of dsn from many pools at once, as processes starting
// together do: every open must succeed and every migration in the backend's migrations
// directory (the test's working directory holds it) be applied once. db reads the database
// directly.
func ConcurrentOpen(t *testing.T, dsn string, db *sql.DB) {
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			s, err := store.Open(ctx, dsn)
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	var applied, rows int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(DISTINCT version), count(*) FROM schema_migrations`).Scan(&applied, &rows))
	migrations, err := os.ReadDir("migrations")
	require.NoError(t, err)
	assert.Equal(t, len(migrations), applied, "every migration applied")
	assert.Equal(t, applied, rows, "each once")
}
