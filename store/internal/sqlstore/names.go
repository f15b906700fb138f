package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// ReserveAccountName reserves name for the employee id unless they hold a name already. The
// insert skips a name or an employee id that is taken (ON CONFLICT DO NOTHING, which waits
// for a concurrent insert of the same key to commit or roll back), and what the table then
// says decides.
func (s *Store) ReserveAccountName(ctx context.Context, employeeID, name string, at time.Time) (string, error) {
	name = strings.ToLower(name)
	var held string
	err := s.inTx(ctx, func(_ *sql.Conn, tx *sql.Tx) error {
		var err error
		if held, err = s.heldBy(ctx, tx, `SELECT name FROM account_names WHERE employee_id = ?`, employeeID); err != nil || held != "" {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.bind(`INSERT INTO account_names (name, employee_id, reserved_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`), name, employeeID, s.timeArg(row.Now(at))); err != nil {
			return err
		}
		if held, err = s.heldBy(ctx, tx, `SELECT name FROM account_names WHERE employee_id = ?`, employeeID); err != nil || held != "" {
			return err
		}
		holder, err := s.heldBy(ctx, tx, `SELECT employee_id FROM account_names WHERE name = ?`, name)
		if err != nil {
			return err
		}
		return fmt.Errorf("%w: %q is held by employee %s", store.ErrNameTaken, name, holder)
	})
	if err != nil {
		return "", s.errorf("reserve account name %q for employee %s: %w", name, employeeID, err)
	}
	return held, nil
}

// AccountNameHolder returns the employee id holding name, "" when nobody does.
func (s *Store) AccountNameHolder(ctx context.Context, name string) (string, error) {
	id, err := s.heldBy(ctx, s.read, `SELECT employee_id FROM account_names WHERE name = ?`, strings.ToLower(name))
	if err != nil {
		return "", s.errorf("holder of account name %q: %w", name, err)
	}
	return id, nil
}

// ReservedAccountName returns the name the employee id holds, "" when none.
func (s *Store) ReservedAccountName(ctx context.Context, employeeID string) (string, error) {
	name, err := s.heldBy(ctx, s.read, `SELECT name FROM account_names WHERE employee_id = ?`, employeeID)
	if err != nil {
		return "", s.errorf("account name of employee %s: %w", employeeID, err)
	}
	return name, nil
}

// rowQueryer reads one row: a pool or a transaction.
type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// heldBy runs a query of one text column over account_names: "" when it finds no row.
func (s *Store) heldBy(ctx context.Context, q rowQueryer, query string, arg string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, s.bind(query), arg).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}
