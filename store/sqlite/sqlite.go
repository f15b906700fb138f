// Package sqlite is the store on a SQLite file, through the pure Go modernc.org/sqlite
// driver: one writer connection, a pool of read-only ones, WAL so that readers do not wait
// for the writer. It registers the DSN scheme "sqlite": "sqlite:ilm.db",
// "sqlite:/abs/path.db", "sqlite::memory:".
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	sqlitedriver "modernc.org/sqlite" // and registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/sqlstore"
)

// Scheme is the DSN scheme this package registers.
const Scheme = "sqlite"

func init() {
	store.Register(Scheme, func(ctx context.Context, dsn string) (store.Store, error) {
		return Open(ctx, dsn)
	})
}

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout is how long a connection waits for another process's lock before failing.
const busyTimeout = 10 * time.Second

// dialect is SQLite's: times as Unix microseconds, and no locks of the store's own, since
// the one writer connection begins every transaction IMMEDIATE, taking the write lock up
// front: writers, other processes' too, queue there.
var dialect = sqlstore.Dialect{
	Name:           "store/sqlite",
	UnixMicroTimes: true,
	MigrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL)`,
}

// Store is the SQLite store.
type Store struct {
	*sqlstore.Store
	path string
}

var _ store.Store = (*Store)(nil)

// Open opens, creating it when missing, the database at the path the DSN names
// ("sqlite:PATH"), and brings its schema up to date. The path's directory must exist.
func Open(ctx context.Context, dsn string) (*Store, error) {
	path, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	w, r, err := openPools(path)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	s := &Store{Store: sqlstore.New(dialect, r, w), path: path}
	err = w.PingContext(ctx)
	if err == nil && path != ":memory:" {
		err = useWAL(ctx, w)
	}
	if err == nil {
		err = s.Migrate(ctx, migrations, "migrations")
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// openPools opens the connections to the database at path: a single one that writes, as
// SQLite serialises writers anyway, and a pool of read-only ones. An in-memory database
// has one connection for both, for good: every connection to :memory: is a database of
// its own.
func openPools(path string) (w, r *sql.DB, err error) {
	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)", busyTimeout.Milliseconds())
	if path == ":memory:" {
		w, err = sql.Open("sqlite", path+"?"+pragmas)
		if err != nil {
			return nil, nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		return w, w, nil
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, nil, fmt.Errorf("directory %s does not exist", dir)
	}
	// The file holds people's data: create it readable by its owner only (SQLite gives its
	// WAL and shared-memory files the database file's mode).
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, err
	}
	f.Close()
	// BEGIN IMMEDIATE takes the write lock up front, so that a transaction never has to
	// upgrade a read lock, which fails at once rather than waiting when another process
	// writes.
	w, err = sql.Open("sqlite", path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, nil, err
	}
	w.SetMaxOpenConns(1)
	r, err = sql.Open("sqlite", path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	return w, r, nil
}

// parseDSN returns the path of "sqlite:PATH" (also "sqlite://PATH").
func parseDSN(dsn string) (string, error) {
	scheme, path, ok := strings.Cut(dsn, ":")
	if !ok || !strings.EqualFold(scheme, Scheme) {
		return "", fmt.Errorf("store/sqlite: dsn %q does not start with %q", store.RedactDSN(dsn), Scheme+":")
	}
	path = strings.TrimPrefix(path, "//")
	switch {
	case path == "":
		return "", fmt.Errorf("store/sqlite: dsn %q names no file", dsn)
	case strings.ContainsRune(path, '?'):
		return "", fmt.Errorf("store/sqlite: dsn %q: the path may not contain '?'", dsn)
	}
	return path, nil
}

// Path returns the database file's path, or ":memory:".
func (s *Store) Path() string { return s.path }

// useWAL switches the database to write-ahead logging, which it then keeps. The switch
// needs the database to itself, and SQLite may report another connection holding it as
// busy without waiting busy_timeout: retry until then.
func useWAL(ctx context.Context, w *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		var mode string
		err := w.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
		var se *sqlitedriver.Error
		switch {
		case err == nil && strings.EqualFold(mode, "wal"):
			return nil
		case err == nil:
			return fmt.Errorf("journal mode is %s, not wal: is the file on a network file system?", mode)
		case !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline):
			return fmt.Errorf("journal mode: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
