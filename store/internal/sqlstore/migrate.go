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
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		if latest := ms[len(ms)-1].Version; current > latest {
			return fmt.Errorf("the database is at schema version %d, newer than this build's %d", current, latest)
		}
		for _, m := range ms {
			if m.Version <= current {
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
