// Package postgrestest gives tests a PostgreSQL schema of their own on the server that
// ILM_TEST_POSTGRES_DSN names (scripts/postgres.sh runs one).
package postgrestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DSN returns ILM_TEST_POSTGRES_DSN, or skips the test when it is unset.
func DSN(t testing.TB) string {
	dsn := os.Getenv("ILM_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("ILM_TEST_POSTGRES_DSN not set: start PostgreSQL with scripts/postgres.sh start")
	}
	return dsn
}

// NewSchema creates a schema of its own for the test, dropped when it ends, and returns
// the DSN that puts the store's tables in it (search_path).
func NewSchema(t testing.TB) string {
	base := DSN(t)
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
