package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/storetest"
)

// testDSN returns the DSN of the test server, or skips the test.
func testDSN(t testing.TB) string {
	dsn := os.Getenv("ILM_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("ILM_TEST_POSTGRES_DSN not set: start PostgreSQL with scripts/postgres.sh start")
	}
	return dsn
}

// newSchema creates a schema of its own for the test, dropped when it ends, and returns
// the DSN that puts the store's tables in it.
func newSchema(t testing.TB) string {
	base := testDSN(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "ilm_test_" + hex.EncodeToString(b)

	conn, err := pgx.Connect(t.Context(), base)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), `CREATE SCHEMA `+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, base)
		if !assert.NoError(t, err) {
			return
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`)
		assert.NoError(t, err)
	})

	u, err := url.Parse(base)
	require.NoError(t, err, "ILM_TEST_POSTGRES_DSN must be a postgres:// URL")
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestStore(t *testing.T) {
	testDSN(t)
	var mu sync.Mutex
	dsns := map[*testing.T]string{}
	storetest.Run(t, func(t *testing.T) store.Store {
		mu.Lock()
		dsn, ok := dsns[t]
		mu.Unlock()
		if !ok {
			dsn = newSchema(t)
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
	dsn := newSchema(t)
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
