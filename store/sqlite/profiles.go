package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// scanPage is how many profiles ScanProfiles reads at a time: it holds no connection or
// read transaction while fn runs.
const scanPage = 1000

const selectProfiles = `SELECT ` + row.ProfileColumns + ` FROM profiles `

const upsertProfile = `INSERT INTO profiles (` + row.ProfileColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (employee_id) DO UPDATE SET email = excluded.email, fields = excluded.fields,
		ad_status = excluded.ad_status, source_priority = excluded.source_priority,
		source_of_truth = excluded.source_of_truth, conversion_hire = excluded.conversion_hire,
		acquisition_hire = excluded.acquisition_hire, applications = excluded.applications,
		old_user_data = excluded.old_user_data, updated_at = excluded.updated_at`

const insertHistory = `INSERT INTO profile_history (employee_id, at, actor, incident, changes) VALUES (?, ?, ?, ?, ?)`

func scanProfile(sc interface{ Scan(...any) error }) (profile.Profile, error) {
	var r row.Profile
	var at int64
	if err := sc.Scan(r.Dest(&at)...); err != nil {
		return profile.Profile{}, err
	}
	r.UpdatedAt = time.UnixMicro(at)
	return r.Decode()
}

// GetProfile returns the profile with the employee id.
func (s *Store) GetProfile(ctx context.Context, employeeID string) (profile.Profile, error) {
	p, err := scanProfile(s.r.QueryRowContext(ctx, selectProfiles+`WHERE employee_id = ?`, employeeID))
	if errors.Is(err, sql.ErrNoRows) {
		return profile.Profile{}, fmt.Errorf("store/sqlite: profile %s: %w", employeeID, store.ErrNotFound)
	}
	if err != nil {
		return profile.Profile{}, fmt.Errorf("store/sqlite: profile %s: %w", employeeID, err)
	}
	return p, nil
}

// FindProfileByEmail returns the profile with the work email, case-insensitively.
func (s *Store) FindProfileByEmail(ctx context.Context, email string) (profile.Profile, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	if key == "" {
		return profile.Profile{}, fmt.Errorf("store/sqlite: profile with empty email: %w", store.ErrNotFound)
	}
	p, err := scanProfile(s.r.QueryRowContext(ctx, selectProfiles+`WHERE email = ? ORDER BY employee_id LIMIT 1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return profile.Profile{}, fmt.Errorf("store/sqlite: profile with email %s: %w", email, store.ErrNotFound)
	}
	if err != nil {
		return profile.Profile{}, fmt.Errorf("store/sqlite: profile with email %s: %w", email, err)
	}
	return p, nil
}

// ListProfiles returns every profile, ordered by employee id.
func (s *Store) ListProfiles(ctx context.Context) ([]profile.Profile, error) {
	var ps []profile.Profile
	err := s.ScanProfiles(ctx, func(p profile.Profile) error {
		ps = append(ps, p)
		return nil
	})
	return ps, err
}

// ScanProfiles calls fn for every profile in employee id order.
func (s *Store) ScanProfiles(ctx context.Context, fn func(profile.Profile) error) error {
	after := ""
	page := make([]profile.Profile, 0, scanPage)
	for {
		var err error
		page, err = s.readPage(ctx, after, page[:0])
		if err != nil {
			return err
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(page) < scanPage {
			return nil
		}
		after = page[len(page)-1].EmployeeID()
	}
}

// readPage appends to page the profiles after the employee id, up to scanPage of them.
func (s *Store) readPage(ctx context.Context, after string, page []profile.Profile) ([]profile.Profile, error) {
	rows, err := s.r.QueryContext(ctx, selectProfiles+`WHERE employee_id > ? ORDER BY employee_id LIMIT ?`, after, scanPage)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: scan profiles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, fmt.Errorf("store/sqlite: scan profiles: %w", err)
		}
		page = append(page, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: scan profiles: %w", err)
	}
	return page, nil
}

// CountProfiles returns the number of profiles.
func (s *Store) CountProfiles(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM profiles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store/sqlite: count profiles: %w", err)
	}
	return n, nil
}

// SaveProfile upserts the profile and adds its history row, in one transaction.
func (s *Store) SaveProfile(ctx context.Context, p profile.Profile, rec store.Record) error {
	if err := s.save(ctx, []profile.Profile{p}, rec); err != nil {
		return fmt.Errorf("store/sqlite: save profile %s: %w", p.EmployeeID(), err)
	}
	return nil
}

// SaveProfiles upserts the profiles and adds their history rows, in one transaction.
func (s *Store) SaveProfiles(ctx context.Context, ps []profile.Profile, rec store.Record) error {
	if err := s.save(ctx, ps, rec); err != nil {
		return fmt.Errorf("store/sqlite: save %d profiles: %w", len(ps), err)
	}
	return nil
}

func (s *Store) save(ctx context.Context, ps []profile.Profile, rec store.Record) error {
	if len(ps) == 0 {
		return nil
	}
	at := row.Now(rec.At)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		prior, err := readPrior(ctx, tx, ps)
		if err != nil {
			return err
		}
		saves, err := row.Plan(prior, ps, at)
		if err != nil {
			return err
		}
		upsert, err := tx.PrepareContext(ctx, upsertProfile)
		if err != nil {
			return err
		}
		defer upsert.Close()
		history, err := tx.PrepareContext(ctx, insertHistory)
		if err != nil {
			return err
		}
		defer history.Close()
		for _, sv := range saves {
			if _, err := upsert.ExecContext(ctx, append(sv.Row.Args(), at.UnixMicro())...); err != nil {
				return fmt.Errorf("profile %s: %w", sv.Row.EmployeeID, err)
			}
			if sv.Changes == "" {
				continue
			}
			if _, err := history.ExecContext(ctx, sv.Row.EmployeeID, at.UnixMicro(), rec.Actor, rec.Incident, sv.Changes); err != nil {
				return fmt.Errorf("profile %s: history: %w", sv.Row.EmployeeID, err)
			}
		}
		return nil
	})
}

// readPrior returns the stored profiles of the employee ids of ps.
func readPrior(ctx context.Context, tx *sql.Tx, ps []profile.Profile) (map[string]profile.Profile, error) {
	get, err := tx.PrepareContext(ctx, selectProfiles+`WHERE employee_id = ?`)
	if err != nil {
		return nil, err
	}
	defer get.Close()
	prior := make(map[string]profile.Profile, len(ps))
	for _, p := range ps {
		id := p.EmployeeID()
		if _, seen := prior[id]; seen || id == "" {
			continue
		}
		old, err := scanProfile(get.QueryRowContext(ctx, id))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, fmt.Errorf("profile %s: %w", id, err)
		default:
			prior[id] = old
		}
	}
	return prior, nil
}

// History returns the employee id's history rows, oldest first.
func (s *Store) History(ctx context.Context, employeeID string) ([]store.HistoryEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT at, actor, incident, changes FROM profile_history
		WHERE employee_id = ? ORDER BY at, id`, employeeID)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: history of %s: %w", employeeID, err)
	}
	defer rows.Close()
	var hs []store.HistoryEntry
	for rows.Next() {
		h := store.HistoryEntry{EmployeeID: employeeID}
		var at int64
		var changes string
		if err := rows.Scan(&at, &h.Actor, &h.Incident, &changes); err != nil {
			return nil, fmt.Errorf("store/sqlite: history of %s: %w", employeeID, err)
		}
		h.At = time.UnixMicro(at).UTC()
		if h.Changes, err = row.DecodeChanges(changes); err != nil {
			return nil, fmt.Errorf("store/sqlite: history of %s: %w", employeeID, err)
		}
		hs = append(hs, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: history of %s: %w", employeeID, err)
	}
	return hs, nil
}
