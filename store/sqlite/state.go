package sqlite

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
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT initial_sync_done, cursor, updated_at FROM poll_state WHERE instance = ?`,
		instance).Scan(&ps.InitialSyncDone, &ps.Cursor, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ps, nil
	case err != nil:
		return store.PollState{}, fmt.Errorf("store/sqlite: poll state of %s: %w", instance, err)
	}
	ps.UpdatedAt = time.UnixMicro(at).UTC()
	return ps, nil
}

// SetPollState stores the poll state of ps.Instance.
func (s *Store) SetPollState(ctx context.Context, ps store.PollState) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO poll_state (instance, initial_sync_done, cursor, updated_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (instance) DO UPDATE SET initial_sync_done = excluded.initial_sync_done,
			cursor = excluded.cursor, updated_at = excluded.updated_at`,
		ps.Instance, ps.InitialSyncDone, ps.Cursor, row.Now(ps.UpdatedAt).UnixMicro())
	if err != nil {
		return fmt.Errorf("store/sqlite: set poll state of %s: %w", ps.Instance, err)
	}
	return nil
}

// GetAppMap returns the Okta instance's application map, ordered by application id.
func (s *Store) GetAppMap(ctx context.Context, oktaInstance string) ([]store.AppMapping, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT application_id, name, label, instance FROM app_map
		WHERE okta_instance = ? ORDER BY application_id`, oktaInstance)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: app map of %s: %w", oktaInstance, err)
	}
	defer rows.Close()
	var m []store.AppMapping
	for rows.Next() {
		var a store.AppMapping
		if err := rows.Scan(&a.ApplicationID, &a.Name, &a.Label, &a.Instance); err != nil {
			return nil, fmt.Errorf("store/sqlite: app map of %s: %w", oktaInstance, err)
		}
		m = append(m, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: app map of %s: %w", oktaInstance, err)
	}
	return m, nil
}

// SetAppMap replaces the Okta instance's application map.
func (s *Store) SetAppMap(ctx context.Context, oktaInstance string, m []store.AppMapping) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM app_map WHERE okta_instance = ?`, oktaInstance); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO app_map (okta_instance, application_id, name, label, instance)
			VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, a := range m {
			if _, err := ins.ExecContext(ctx, oktaInstance, a.ApplicationID, a.Name, a.Label, a.Instance); err != nil {
				return fmt.Errorf("application %s: %w", a.ApplicationID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store/sqlite: set app map of %s: %w", oktaInstance, err)
	}
	return nil
}

// ListReviewers returns the role's roster, ordered by username.
func (s *Store) ListReviewers(ctx context.Context, role string) ([]store.Reviewer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT username, email, on_call, open_assignments, last_assigned_at
		FROM reviewers WHERE role = ? ORDER BY username`, role)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: reviewers of %s: %w", role, err)
	}
	defer rows.Close()
	var rs []store.Reviewer
	for rows.Next() {
		r := store.Reviewer{Role: role}
		var last sql.NullInt64
		if err := rows.Scan(&r.Username, &r.Email, &r.OnCall, &r.OpenAssignments, &last); err != nil {
			return nil, fmt.Errorf("store/sqlite: reviewers of %s: %w", role, err)
		}
		if last.Valid {
			r.LastAssignedAt = time.UnixMicro(last.Int64).UTC()
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: reviewers of %s: %w", role, err)
	}
	return rs, nil
}

// SetReviewers replaces the role's roster.
func (s *Store) SetReviewers(ctx context.Context, role string, rs []store.Reviewer) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM reviewers WHERE role = ?`, role); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO reviewers
			(role, username, email, on_call, open_assignments, last_assigned_at) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, r := range rs {
			var last sql.NullInt64
			if !r.LastAssignedAt.IsZero() {
				last = sql.NullInt64{Int64: row.Time(r.LastAssignedAt).UnixMicro(), Valid: true}
			}
			if _, err := ins.ExecContext(ctx, role, r.Username, r.Email, r.OnCall, r.OpenAssignments, last); err != nil {
				return fmt.Errorf("reviewer %s: %w", r.Username, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store/sqlite: set reviewers of %s: %w", role, err)
	}
	return nil
}

// inTx runs fn in a write transaction, committed when fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
