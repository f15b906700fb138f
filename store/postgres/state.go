package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// GetPollState returns the instance's poll state, the zero state when it has none.
func (s *Store) GetPollState(ctx context.Context, instance string) (store.PollState, error) {
	ps := store.PollState{Instance: instance}
	err := s.pool.QueryRow(ctx, `SELECT initial_sync_done, cursor, updated_at FROM poll_state WHERE instance = $1`,
		instance).Scan(&ps.InitialSyncDone, &ps.Cursor, &ps.UpdatedAt)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.PollState{Instance: instance}, nil
	case err != nil:
		return store.PollState{}, fmt.Errorf("store/postgres: poll state of %s: %w", instance, err)
	}
	ps.UpdatedAt = ps.UpdatedAt.UTC()
	return ps, nil
}

// SetPollState stores the poll state of ps.Instance.
func (s *Store) SetPollState(ctx context.Context, ps store.PollState) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO poll_state (instance, initial_sync_done, cursor, updated_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (instance) DO UPDATE SET initial_sync_done = excluded.initial_sync_done,
			cursor = excluded.cursor, updated_at = excluded.updated_at`,
		ps.Instance, ps.InitialSyncDone, ps.Cursor, row.Now(ps.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store/postgres: set poll state of %s: %w", ps.Instance, err)
	}
	return nil
}

// GetAppMap returns the Okta instance's application map, ordered by application id.
func (s *Store) GetAppMap(ctx context.Context, oktaInstance string) ([]store.AppMapping, error) {
	rows, err := s.pool.Query(ctx, `SELECT application_id, name, label, instance FROM app_map
		WHERE okta_instance = $1 ORDER BY application_id`, oktaInstance)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: app map of %s: %w", oktaInstance, err)
	}
	m, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AppMapping, error) {
		var a store.AppMapping
		err := r.Scan(&a.ApplicationID, &a.Name, &a.Label, &a.Instance)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: app map of %s: %w", oktaInstance, err)
	}
	return m, nil
}

// SetAppMap replaces the Okta instance's application map.
func (s *Store) SetAppMap(ctx context.Context, oktaInstance string, m []store.AppMapping) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM app_map WHERE okta_instance = $1`, oktaInstance)
	for _, a := range m {
		b.Queue(`INSERT INTO app_map (okta_instance, application_id, name, label, instance) VALUES ($1, $2, $3, $4, $5)`,
			oktaInstance, a.ApplicationID, a.Name, a.Label, a.Instance)
	}
	if err := s.sendInTx(ctx, b); err != nil {
		return fmt.Errorf("store/postgres: set app map of %s: %w", oktaInstance, err)
	}
	return nil
}

// ListReviewers returns the role's roster, ordered by username.
func (s *Store) ListReviewers(ctx context.Context, role string) ([]store.Reviewer, error) {
	rows, err := s.pool.Query(ctx, `SELECT username, email, on_call, open_assignments, last_assigned_at
		FROM reviewers WHERE role = $1 ORDER BY username`, role)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: reviewers of %s: %w", role, err)
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Reviewer, error) {
		rv := store.Reviewer{Role: role}
		var last *time.Time
		if err := r.Scan(&rv.Username, &rv.Email, &rv.OnCall, &rv.OpenAssignments, &last); err != nil {
			return rv, err
		}
		if last != nil {
			rv.LastAssignedAt = last.UTC()
		}
		return rv, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: reviewers of %s: %w", role, err)
	}
	return rs, nil
}

// SetReviewers replaces the role's roster.
func (s *Store) SetReviewers(ctx context.Context, role string, rs []store.Reviewer) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM reviewers WHERE role = $1`, role)
	for _, r := range rs {
		var last *time.Time
		if !r.LastAssignedAt.IsZero() {
			t := row.Time(r.LastAssignedAt)
			last = &t
		}
		b.Queue(`INSERT INTO reviewers (role, username, email, on_call, open_assignments, last_assigned_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, role, r.Username, r.Email, r.OnCall, r.OpenAssignments, last)
	}
	if err := s.sendInTx(ctx, b); err != nil {
		return fmt.Errorf("store/postgres: set reviewers of %s: %w", role, err)
	}
	return nil
}

// sendInTx runs the batch in one transaction and one round trip.
func (s *Store) sendInTx(ctx context.Context, b *pgx.Batch) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	})
}
