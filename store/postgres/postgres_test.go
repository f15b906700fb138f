package postgres_test

import (
	"database/sql"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/postgres/postgrestest"
	"github.com/ilm-dev/ilm/store/storetest"
)

func TestStore(t *testing.T) {
	postgrestest.DSN(t)
	var mu sync.Mutex
	dsns := map[*testing.T]string{}
	storetest.Run(t, func(t *testing.T) store.Store {
		mu.Lock()
		dsn, ok := dsns[t]
		mu.Unlock()
		if !ok {
			dsn = postgrestest.NewSchema(t)
			mu.Lock()
			dsns[t] = dsn
			mu.Unlock()
		}
		s, err := store.Open(t.Context(), dsn)
		require.NoError(t, err)
		return s
	})
}

// TestConcurrentOpen opens a new schema from many pools at once.
func TestConcurrentOpen(t *testing.T) {
	dsn := postgrestest.NewSchema(t)
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer db.Close()
	storetest.ConcurrentOpen(t, dsn, db)
}

func TestOpenErrorsHidePassword(t *testing.T) {
	ctx := t.Context()
	for _, dsn := range []string{
		"postgres://ilm:s3cr3t@127.0.0.1:1/ilm?connect_timeout=2",
		"postgresql://ilm:s3cr3t@127.0.0.1:notaport/ilm",
		"postgres://ilm:s3cr3t@127.0.0.1:1/ilm?sslmode=bogus",
	} {
		_, err := store.Open(ctx, dsn)
		require.Error(t, err, dsn)
		assert.NotContains(t, err.Error(), "s3cr3t")
		assert.Contains(t, err.Error(), "store/postgres")
	}
}
