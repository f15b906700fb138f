package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// scanPage is how many profiles ScanProfiles reads at a time: it holds no connection or
// read transaction while fn runs.
const scanPage = 1000

const selectProfiles = `SELECT ` + row.ProfileColumns + ` FROM profiles `

// scanProfile scans a row of selectProfiles.
func scanProfile(sc rowScanner) (profile.Profile, error) {
	var r row.Profile
	if err := sc.Scan(r.Dest(timeDest{&r.UpdatedAt})...); err != nil {
		return profile.Profile{}, err
	}
	return r.Decode()
}

// readProfile returns the profile the query selects, or store.ErrNotFound.
func (s *Store) readProfile(ctx context.Context, query string, args ...any) (profile.Profile, error) {
	p, err := scanProfile(s.read.QueryRowContext(ctx, s.bind(query), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return profile.Profile{}, store.ErrNotFound
	}
	return p, err
}

// GetProfile returns the profile with the employee id.
func (s *Store) GetProfile(ctx context.Context, employeeID string) (profile.Profile, error) {
	p, err := s.readProfile(ctx, selectProfiles+`WHERE employee_id = ?`, employeeID)
	if err != nil {
		return profile.Profile{}, s.errorf("profile %s: %w", employeeID, err)
	}
	return p, nil
}

// FindProfileByEmail returns the profile with the work email, case-insensitively.
func (s *Store) FindProfileByEmail(ctx context.Context, email string) (profile.Profile, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	if key == "" {
		return profile.Profile{}, s.errorf("profile with empty email: %w", store.ErrNotFound)
	}
	p, err := s.readProfile(ctx, selectProfiles+`WHERE email = ? ORDER BY employee_id LIMIT 1`, key)
	if err != nil {
		return profile.Profile{}, s.errorf("profile with email %s: %w", email, err)
	}
	return p, nil
}

// ScanProfiles calls fn for every profile in employee id order.
func (s *Store) ScanProfiles(ctx context.Context, fn func(profile.Profile) error) error {
	return scanPages(ctx, s, "scan profiles", selectProfiles, scanProfile, profile.Profile.EmployeeID, fn)
}

// ScanSummaries calls fn for the summary of every profile in employee id order.
func (s *Store) ScanSummaries(ctx context.Context, fn func(profile.Summary) error) error {
	scan := func(sc rowScanner) (profile.Summary, error) { return row.ScanSummary(sc.Scan) }
	key := func(p profile.Summary) string { return p.EmployeeID }
	return scanPages(ctx, s, "scan summaries", `SELECT `+row.SummaryColumns+` FROM profiles `, scan, key, fn)
}

// scanPages calls fn for every row of the profiles table that selectFrom ("SELECT … FROM
// profiles ") reads, in employee id order, scanPage rows at a time. key gives the employee id
// of a row. An error of fn is returned as it is, a read error as the failure to do what.
func scanPages[T any](ctx context.Context, s *Store, what, selectFrom string, scan func(rowScanner) (T, error),
	key func(T) string, fn func(T) error) error {
	query := s.bind(selectFrom + `WHERE employee_id > ? ORDER BY employee_id LIMIT ?`)
	after := ""
	page := make([]T, 0, scanPage)
	for {
		var err error
		if page, err = appendRows(ctx, s.read, page[:0], scan, query, after, scanPage); err != nil {
			return s.errorf("%s: %w", what, err)
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < scanPage {
			return nil
		}
		after = key(page[len(page)-1])
	}
}

// History returns the employee id's history rows, oldest first.
func (s *Store) History(ctx context.Context, employeeID string) ([]store.HistoryEntry, error) {
	hs, err := appendRows(ctx, s.read, nil, func(sc rowScanner) (store.HistoryEntry, error) {
		h := store.HistoryEntry{EmployeeID: employeeID}
		var changes string
		if err := sc.Scan(timeDest{&h.At}, &h.Actor, &h.Incident, &changes); err != nil {
			return h, err
		}
		var err error
		h.Changes, err = row.DecodeChanges(changes)
		return h, err
	}, s.bind(`SELECT at, actor, incident, changes FROM profile_history WHERE employee_id = ? ORDER BY at, id`), employeeID)
	if err != nil {
		return nil, s.errorf("history of %s: %w", employeeID, err)
	}
	return hs, nil
}
