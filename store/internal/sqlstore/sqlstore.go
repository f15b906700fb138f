// Package sqlstore is the store on a SQL database through database/sql, which the backends
// share: each brings its driver and connections, its schema migrations, and a Dialect
// saying what its database does differently.
//
// The queries here write their parameters as ?, and reach a database that numbers them
// ($1, $2, …) through bind. The statements of a Dialect are written as its database takes
// them.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ilm-dev/ilm/store"
)

// Store is the store on one database.
type Store struct {
	dialect Dialect
	read    *sql.DB // for queries outside transactions
	write   *sql.DB // for transactions and other writes; may be read
}

var _ store.Store = (*Store)(nil)

// New returns the store on the database that read and write, which may be the same pool,
// connect to. The store owns them: Close closes them.
func New(d Dialect, read, write *sql.DB) *Store {
	return &Store{dialect: d, read: read, write: write}
}

// Close closes the store's connections.
func (s *Store) Close() error {
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// errorf returns an error starting with the backend's name: "store/sqlite: …".
func (s *Store) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", s.dialect.Name, fmt.Errorf(format, args...))
}

// inTx runs fn in a transaction on a connection of the writer, committed when fn
// succeeds. fn gets the connection too, for what only the driver itself does.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Conn, *sql.Tx) error) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(conn, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// queryer reads: a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// rowScanner is a row to scan: *sql.Rows or *sql.Row.
type rowScanner interface{ Scan(dest ...any) error }

// appendRows runs the query, bound already, and appends to dst what scan makes of each row.
func appendRows[T any](ctx context.Context, q queryer, dst []T, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		dst = append(dst, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return dst, nil
}

// statement is a query that a transaction runs once for each of its rows.
type statement struct {
	tx    *sql.Tx
	query string
	stmt  *sql.Stmt // nil when the query runs as it is
}

// prepare returns the query, bound for the database, to run in tx for n rows: prepared
// when there are several, which spares SQLite parsing it for each, and run as it is for
// one, which spares PostgreSQL the round trips of preparing what its driver caches anyway.
func (s *Store) prepare(ctx context.Context, tx *sql.Tx, query string, n int) (*statement, error) {
	st := &statement{tx: tx, query: s.bind(query)}
	if n > 1 {
		var err error
		if st.stmt, err = tx.PrepareContext(ctx, st.query); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// exec runs the statement for one row.
func (st *statement) exec(ctx context.Context, args ...any) error {
	var err error
	if st.stmt != nil {
		_, err = st.stmt.ExecContext(ctx, args...)
	} else {
		_, err = st.tx.ExecContext(ctx, st.query, args...)
	}
	return err
}

// Close releases the prepared statement, if there is one.
func (st *statement) Close() error {
	if st.stmt == nil {
		return nil
	}
	return st.stmt.Close()
}
