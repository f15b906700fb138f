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
	"github.com/ilm-dev/ilm/store/internal/migrate"
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

// Store is the SQLite store.
type Store struct {
	path string
	w    *sql.DB // a single connection: SQLite serialises writers anyway
	r    *sql.DB // read-only connections; the same as w for an in-memory database
}

var _ store.Store = (*Store)(nil)

// Open opens, creating it when missing, the database at the path the DSN names
// ("sqlite:PATH"), and brings its schema up to date. The path's directory must exist.
func Open(ctx context.Context, dsn string) (*Store, error) {
	path, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path}
	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)", busyTimeout.Milliseconds())
	if path == ":memory:" {
		// Every connection to :memory: is a database of its own: keep to one, for good.
		s.w, err = sql.Open("sqlite", path+"?"+pragmas)
		if err != nil {
			return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
		}
		s.w.SetMaxOpenConns(1)
		s.w.SetConnMaxLifetime(0)
		s.w.SetConnMaxIdleTime(0)
		s.r = s.w
	} else {
		dir := filepath.Dir(path)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("store/sqlite: open %s: directory %s does not exist", path, dir)
		}
		// BEGIN IMMEDIATE takes the write lock up front, so that a transaction never has to
		// upgrade a read lock, which fails at once rather than waiting when another
		// process writes.
		s.w, err = sql.Open("sqlite", path+"?"+pragmas+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
		}
		s.w.SetMaxOpenConns(1)
		s.r, err = sql.Open("sqlite", path+"?"+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			s.w.Close()
			return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
		}
		s.r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	}
	if err := s.w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	if path != ":memory:" {
		if err := s.useWAL(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// parseDSN returns the path of "sqlite:PATH" (also "sqlite://PATH").
func parseDSN(dsn string) (string, error) {
	scheme, path, ok := strings.Cut(dsn, ":")
	if !ok || !strings.EqualFold(scheme, Scheme) {
		return "", fmt.Errorf("store/sqlite: dsn %q does not start with %s:", store.RedactDSN(dsn), Scheme)
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

// Close closes the store's connections.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// useWAL switches the database to write-ahead logging, which it then keeps. The switch
// needs the database to itself, and SQLite may report another connection holding it as
// busy without waiting busy_timeout: retry until then.
func (s *Store) useWAL(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		var mode string
		err := s.w.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
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

// migrate applies the migrations the database lacks, in one transaction, which BEGIN
// IMMEDIATE makes the only one writing: two processes opening at once apply them once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if latest := ms[len(ms)-1].Version; current > latest {
		return fmt.Errorf("migrate: the database is at schema version %d, newer than this build's %d", current, latest)
	}
	for _, m := range ms {
		if m.Version <= current {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
