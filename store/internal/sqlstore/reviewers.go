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

// ListReviewers returns the role's roster, ordered by username.
func (s *Store) ListReviewers(ctx context.Context, role string) ([]store.Reviewer, error) {
	rs, err := s.listReviewers(ctx, s.read, role)
	if err != nil {
		return nil, s.errorf("reviewers of %s: %w", role, err)
	}
	return rs, nil
}

func (s *Store) listReviewers(ctx context.Context, q queryer, role string) ([]store.Reviewer, error) {
	return appendRows(ctx, q, nil, func(sc rowScanner) (store.Reviewer, error) {
		r := store.Reviewer{Role: role}
		err := sc.Scan(&r.Username, &r.Email, &r.OnCall, &r.OpenAssignments, timeDest{&r.LastAssignedAt})
		return r, err
	}, s.bind(`SELECT username, email, on_call, open_assignments, last_assigned_at
		FROM reviewers WHERE role = ? ORDER BY username`), role)
}

// SetReviewers replaces the role's roster, counts included.
func (s *Store) SetReviewers(ctx context.Context, role string, rs []store.Reviewer) error {
	err := s.inRoleTx(ctx, role, func(tx *sql.Tx) error { return s.writeRoster(ctx, tx, role, rs) })
	if err != nil {
		return s.errorf("set reviewers of %s: %w", role, err)
	}
	return nil
}

// SetRoster replaces the role's members, keeping the counts of those who stay.
func (s *Store) SetRoster(ctx context.Context, role string, rs []store.Reviewer) error {
	err := s.inRoleTx(ctx, role, func(tx *sql.Tx) error {
		old, err := s.listReviewers(ctx, tx, role)
		if err != nil {
			return err
		}
		kept := make(map[string]store.Reviewer, len(old))
		for _, r := range old {
			kept[r.Username] = r
		}
		members := make([]store.Reviewer, len(rs))
		for i, r := range rs {
			prev := kept[r.Username]
			r.OpenAssignments, r.LastAssignedAt = prev.OpenAssignments, prev.LastAssignedAt
			members[i] = r
		}
		return s.writeRoster(ctx, tx, role, members)
	})
	if err != nil {
		return s.errorf("set roster of %s: %w", role, err)
	}
	return nil
}

func (s *Store) writeRoster(ctx context.Context, tx *sql.Tx, role string, rs []store.Reviewer) error {
	return s.replaceIn(ctx, tx, `DELETE FROM reviewers WHERE role = ?`, role,
		`INSERT INTO reviewers (role, username, email, on_call, open_assignments, last_assigned_at) VALUES (?, ?, ?, ?, ?, ?)`,
		len(rs), func(i int) (string, []any) {
			r := rs[i]
			return "reviewer " + r.Username, []any{role, r.Username, r.Email, r.OnCall, r.OpenAssignments, s.timeArg(r.LastAssignedAt)}
		})
}

// AssignReviewer returns the review's reviewer: the one recorded, else the one pick chooses,
// recorded with the counts in the same transaction.
func (s *Store) AssignReviewer(ctx context.Context, a store.Assignment, pick func([]store.Reviewer) int) (store.Reviewer, error) {
	var chosen store.Reviewer
	err := s.inRoleTx(ctx, a.Role, func(tx *sql.Tx) error {
		var err error
		chosen, err = s.assign(ctx, tx, a, pick)
		return err
	})
	if err != nil {
		return store.Reviewer{}, s.errorf("assign a reviewer of %s to review %s: %w", a.Role, a.ReviewID, err)
	}
	return chosen, nil
}

func (s *Store) assign(ctx context.Context, tx *sql.Tx, a store.Assignment, pick func([]store.Reviewer) int) (store.Reviewer, error) {
	var role, username string
	err := tx.QueryRowContext(ctx, s.bind(`SELECT role, username FROM review_assignments WHERE review_id = ?`), a.ReviewID).
		Scan(&role, &username)
	switch {
	case err == nil:
		return s.member(ctx, tx, role, username)
	case !errors.Is(err, sql.ErrNoRows):
		return store.Reviewer{}, err
	}
	roster, err := s.listReviewers(ctx, tx, a.Role)
	if err != nil {
		return store.Reviewer{}, err
	}
	i := pick(roster)
	switch {
	case i < 0:
		return store.Reviewer{}, nil
	case i >= len(roster):
		return store.Reviewer{}, fmt.Errorf("pick chose %d of a roster of %d", i, len(roster))
	}
	r := roster[i]
	r.OpenAssignments++
	r.LastAssignedAt = row.Now(a.At)
	if _, err := tx.ExecContext(ctx, s.bind(`UPDATE reviewers SET open_assignments = open_assignments + 1, last_assigned_at = ?
		WHERE role = ? AND username = ?`), s.timeArg(r.LastAssignedAt), a.Role, r.Username); err != nil {
		return store.Reviewer{}, err
	}
	if _, err := tx.ExecContext(ctx, s.bind(`INSERT INTO review_assignments (review_id, role, username, workflow_id, assigned_at) VALUES (?, ?, ?, ?, ?)`),
		a.ReviewID, a.Role, r.Username, a.WorkflowID, s.timeArg(r.LastAssignedAt)); err != nil {
		return store.Reviewer{}, err
	}
	return r, nil
}

// member returns the roster entry of the user in role, or just their names when they have
// left the roster since.
func (s *Store) member(ctx context.Context, q queryer, role, username string) (store.Reviewer, error) {
	roster, err := s.listReviewers(ctx, q, role)
	if err != nil {
		return store.Reviewer{}, err
	}
	for _, r := range roster {
		if r.Username == username {
			return r, nil
		}
	}
	return store.Reviewer{Role: role, Username: username}, nil
}

// ReleaseReviewer closes the review's assignment and counts its reviewer down, once.
func (s *Store) ReleaseReviewer(ctx context.Context, reviewID string) error {
	err := s.inTx(ctx, func(_ *sql.Conn, tx *sql.Tx) error {
		var role, username string
		err := tx.QueryRowContext(ctx, s.bind(`UPDATE review_assignments SET released_at = ?
			WHERE review_id = ? AND released_at IS NULL RETURNING role, username`), s.timeArg(row.Now(time.Time{})), reviewID).
			Scan(&role, &username)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil // never assigned, or released already
		case err != nil:
			return err
		}
		if err := s.lockRole(ctx, tx, role); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.bind(`UPDATE reviewers SET open_assignments = open_assignments - 1
			WHERE role = ? AND username = ? AND open_assignments > 0`), role, username)
		return err
	})
	if err != nil {
		return s.errorf("release the reviewer of review %s: %w", reviewID, err)
	}
	return nil
}

// inRoleTx runs fn in a transaction that holds the role's roster lock.
func (s *Store) inRoleTx(ctx context.Context, role string, fn func(*sql.Tx) error) error {
	return s.inTx(ctx, func(_ *sql.Conn, tx *sql.Tx) error {
		if err := s.lockRole(ctx, tx, role); err != nil {
			return err
		}
		return fn(tx)
	})
}

func (s *Store) lockRole(ctx context.Context, tx *sql.Tx, role string) error {
	if s.dialect.LockReviewers == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.dialect.LockReviewers, role); err != nil {
		return fmt.Errorf("lock the roster of %s: %w", role, err)
	}
	return nil
}
