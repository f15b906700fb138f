// Package postgres is the store on PostgreSQL, through pgx: its connection pool, behind
// its database/sql driver, and COPY for bulk saves. It registers the DSN schemes
// "postgres" and "postgresql" (postgres://user@host:5432/db).
package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/sqlstore"
)

func init() {
	open := func(ctx context.Context, dsn string) (store.Store, error) { return Open(ctx, dsn) }
	store.Register("postgres", open)
	store.Register("postgresql", open)
}

//go:embed migrations/*.sql
var migrations embed.FS

// dialect is PostgreSQL's: numbered parameters, timestamps, advisory locks that make
// concurrent migrations, saves of one person and writes of one role's roster queue, and
// bulk saves by COPY.
var dialect = sqlstore.Dialect{
	Name:           "store/postgres",
	NumberedParams: true,
	MigrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`,
	LockMigrations: `SELECT pg_advisory_xact_lock(hashtext('ilm/store/migrate'), hashtext(coalesce(current_schema(), '')))`,
	LockProfile:    `SELECT pg_advisory_xact_lock(hashtext('ilm/store/profile'), hashtext($1))`,
	LockReviewers:  `SELECT pg_advisory_xact_lock(hashtext('ilm/store/reviewers'), hashtext($1))`,
	// Other writers of profiles wait, readers do not.
	LockProfiles:  `LOCK TABLE profiles IN EXCLUSIVE MODE`,
	WriteProfiles: copyProfiles,
}

// Store is the PostgreSQL store.
type Store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database the DSN names and brings its schema up to date. The
// tables go to the first schema of the search_path, which a DSN may set
// (?search_path=ilm).
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: dsn %q: %w", store.RedactDSN(dsn), err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: open %s: %w", store.RedactDSN(dsn), err)
	}
	db := stdlib.OpenDBFromPool(pool)
	s := &Store{Store: sqlstore.New(dialect, db, db), pool: pool}
	err = db.PingContext(ctx)
	if err == nil {
		err = s.Migrate(ctx, migrations, "migrations")
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("store/postgres: open %s: %w", store.RedactDSN(dsn), err)
	}
	return s, nil
}

// Close closes the pool, waiting for the connections in use to be released.
func (s *Store) Close() error {
	err := s.Store.Close()
	s.pool.Close()
	return err
}
