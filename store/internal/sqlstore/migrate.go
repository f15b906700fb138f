package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"time"

	"github.com/ilm-dev/ilm/store/internal/migrate"
)

// Migrate applies the migrations in dir of fsys that the database lacks, in one
// transaction that starts with the dialect's LockMigrations, and records each in
// schema_migrations.
//
// A migration counts as applied by its own version, not by being below the highest one
// applied: changes developed side by side may land out of number order (0004 before 0003),
// and the one that lands later must still run on databases that already have the other.
func (s *Store) Migrate(ctx context.Context, fsys fs.FS, dir string) error {
	ms, err := migrate.Load(fsys, dir)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(_ *sql.Conn, tx *sql.Tx) error {
		if s.dialect.LockMigrations != "" {
			if _, err := tx.ExecContext(ctx, s.dialect.LockMigrations); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.dialect.MigrationsTable); err != nil {
			return err
		}
		applied, newest, err := appliedVersions(ctx, tx)
		if err != nil {
			return err
		}
		if latest := ms[len(ms)-1].Version; newest > latest {
			return fmt.Errorf("the database is at schema version %d, newer than this build's %d", newest, latest)
		}
		for _, m := range ms {
			if applied[m.Version] {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, s.bind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
				m.Version, m.Name, s.timeArg(time.Now())); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// appliedVersions returns the versions schema_migrations records, and the newest of them
// (0 when there is none).
func appliedVersions(ctx context.Context, tx *sql.Tx) (applied map[int]bool, newest int, err error) {
	vs, err := appendRows(ctx, tx, nil, func(sc rowScanner) (int, error) {
		var v int
		err := sc.Scan(&v)
		return v, err
	}, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, 0, fmt.Errorf("applied migrations: %w", err)
	}
	applied = make(map[int]bool, len(vs))
	for _, v := range vs {
		applied[v] = true
		newest = max(newest, v)
	}
	return applied, newest, nil
}
