package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
	"github.com/ilm-dev/ilm/store/internal/sqlstore"
)

var (
	profileColumns = strings.Split(strings.ReplaceAll(row.ProfileColumns, " ", ""), ",")
	historyColumns = []string{"employee_id", "at", "actor", "incident", "changes"}
)

// copyProfiles writes a save of many people, in the transaction conn holds: it copies the
// rows into a temporary table to upsert from, and the history rows straight into their
// table.
func copyProfiles(ctx context.Context, conn *sql.Conn, saves []row.Save, rec store.Record) error {
	return conn.Raw(func(driverConn any) error {
		c := driverConn.(*stdlib.Conn).Conn()
		if _, err := c.Exec(ctx, `CREATE TEMPORARY TABLE profiles_in (LIKE profiles) ON COMMIT DROP`); err != nil {
			return err
		}
		upserts := row.Last(saves)
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"profiles_in"}, profileColumns,
			pgx.CopyFromSlice(len(upserts), func(i int) ([]any, error) {
				return append(upserts[i].Row.Args(), upserts[i].Row.UpdatedAt), nil
			})); err != nil {
			return fmt.Errorf("copy profiles: %w", err)
		}
		if _, err := c.Exec(ctx, `INSERT INTO profiles (`+row.ProfileColumns+`)
			SELECT `+row.ProfileColumns+` FROM profiles_in`+sqlstore.OnConflictUpdateProfile); err != nil {
			return fmt.Errorf("upsert profiles: %w", err)
		}
		var history [][]any
		for _, sv := range saves {
			if sv.Changes != "" {
				history = append(history, []any{sv.Row.EmployeeID, sv.Row.UpdatedAt, rec.Actor, rec.Incident, sv.Changes})
			}
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"profile_history"}, historyColumns, pgx.CopyFromRows(history)); err != nil {
			return fmt.Errorf("copy history: %w", err)
		}
		return nil
	})
}
