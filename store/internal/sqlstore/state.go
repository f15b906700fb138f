package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// GetPollState returns the instance's poll state, the zero state when it has none.
func (s *Store) GetPollState(ctx context.Context, instance string) (store.PollState, error) {
	ps := store.PollState{Instance: instance}
	err := s.read.QueryRowContext(ctx, s.bind(`SELECT initial_sync_done, cursor, updated_at FROM poll_state WHERE instance = ?`),
		instance).Scan(&ps.InitialSyncDone, &ps.Cursor, timeDest{&ps.UpdatedAt})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.PollState{Instance: instance}, nil
	case err != nil:
		return store.PollState{}, s.errorf("poll state of %s: %w", instance, err)
	}
	return ps, nil
}

// SetPollState stores the poll state of ps.Instance.
func (s *Store) SetPollState(ctx context.Context, ps store.PollState) error {
	_, err := s.write.ExecContext(ctx, s.bind(`INSERT INTO poll_state (instance, initial_sync_done, cursor, updated_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (instance) DO UPDATE SET initial_sync_done = excluded.initial_sync_done,
			cursor = excluded.cursor, updated_at = excluded.updated_at`),
		ps.Instance, ps.InitialSyncDone, ps.Cursor, s.timeArg(row.Now(ps.UpdatedAt)))
	if err != nil {
		return s.errorf("set poll state of %s: %w", ps.Instance, err)
	}
	return nil
}

// GetAppMap returns the Okta instance's application map, ordered by application id.
func (s *Store) GetAppMap(ctx context.Context, oktaInstance string) ([]store.AppMapping, error) {
	m, err := appendRows(ctx, s.read, nil, func(sc rowScanner) (store.AppMapping, error) {
		var a store.AppMapping
		err := sc.Scan(&a.ApplicationID, &a.Name, &a.Label, &a.Instance)
		return a, err
	}, s.bind(`SELECT application_id, name, label, instance FROM app_map WHERE okta_instance = ? ORDER BY application_id`),
		oktaInstance)
	if err != nil {
		return nil, s.errorf("app map of %s: %w", oktaInstance, err)
	}
	return m, nil
}

// SetAppMap replaces the Okta instance's application map.
func (s *Store) SetAppMap(ctx context.Context, oktaInstance string, m []store.AppMapping) error {
	err := s.replace(ctx, `DELETE FROM app_map WHERE okta_instance = ?`, oktaInstance,
		`INSERT INTO app_map (okta_instance, application_id, name, label, instance) VALUES (?, ?, ?, ?, ?)`,
		len(m), func(i int) (string, []any) {
			a := m[i]
			return "application " + a.ApplicationID, []any{oktaInstance, a.ApplicationID, a.Name, a.Label, a.Instance}
		})
	if err != nil {
		return s.errorf("set app map of %s: %w", oktaInstance, err)
	}
	return nil
}

// replace deletes the rows of a key and inserts n rows in their place, in one transaction:
// del runs with the key, and insert once for each row with the arguments values returns,
// along with the row's name for errors.
func (s *Store) replace(ctx context.Context, del, key, insert string, n int, values func(i int) (name string, args []any)) error {
	return s.inTx(ctx, func(_ *sql.Conn, tx *sql.Tx) error {
		return s.replaceIn(ctx, tx, del, key, insert, n, values)
	})
}

// LeasePoll takes the instance's poll lease for holder when it is free, expired or holder's.
// The conditional UPDATE is the one step that decides, so two polls cannot both win.
func (s *Store) LeasePoll(ctx context.Context, instance, holder string, now, until time.Time) (bool, string, error) {
	fail := func(err error) (bool, string, error) {
		return false, "", s.errorf("poll lease of %s: %w", instance, err)
	}
	if _, err := s.write.ExecContext(ctx, s.bind(`INSERT INTO poll_state (instance, initial_sync_done, cursor, updated_at)
		VALUES (?, ?, '', ?) ON CONFLICT (instance) DO NOTHING`), instance, false, s.timeArg(row.Now(now))); err != nil {
		return fail(err)
	}
	res, err := s.write.ExecContext(ctx, s.bind(`UPDATE poll_state SET lease_holder = ?, lease_until = ?
		WHERE instance = ? AND (lease_holder = '' OR lease_holder = ? OR lease_until IS NULL OR lease_until < ?)`),
		holder, s.timeArg(row.Time(until)), instance, holder, s.timeArg(row.Time(now)))
	if err != nil {
		return fail(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(err)
	}
	if n == 1 {
		return true, "", nil
	}
	var heldBy string
	if err := s.read.QueryRowContext(ctx, s.bind(`SELECT lease_holder FROM poll_state WHERE instance = ?`), instance).Scan(&heldBy); err != nil {
		return fail(err)
	}
	return false, heldBy, nil
}

// ReleasePoll clears holder's poll lease of the instance.
func (s *Store) ReleasePoll(ctx context.Context, instance, holder string) error {
	_, err := s.write.ExecContext(ctx, s.bind(`UPDATE poll_state SET lease_holder = '', lease_until = NULL
		WHERE instance = ? AND lease_holder = ?`), instance, holder)
	if err != nil {
		return s.errorf("release the poll lease of %s: %w", instance, err)
	}
	return nil
}

// replaceIn is replace in the transaction tx.
func (s *Store) replaceIn(ctx context.Context, tx *sql.Tx, del, key, insert string, n int, values func(i int) (name string, args []any)) error {
	if _, err := tx.ExecContext(ctx, s.bind(del), key); err != nil {
		return err
	}
	ins, err := s.prepare(ctx, tx, insert, n)
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := range n {
		name, args := values(i)
		if err := ins.exec(ctx, args...); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
