package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// scanPage is how many profiles ScanProfiles reads at a time: it holds no connection
// while fn runs.
const scanPage = 1000

// priorChunk is how many employee ids a bulk save looks up in one query.
const priorChunk = 10000

const selectProfiles = `SELECT ` + row.ProfileColumns + ` FROM profiles `

const upsertSet = ` ON CONFLICT (employee_id) DO UPDATE SET email = excluded.email, fields = excluded.fields,
	ad_status = excluded.ad_status, source_priority = excluded.source_priority,
	source_of_truth = excluded.source_of_truth, conversion_hire = excluded.conversion_hire,
	acquisition_hire = excluded.acquisition_hire, applications = excluded.applications,
	old_user_data = excluded.old_user_data, updated_at = excluded.updated_at`

var (
	profileColumns = strings.Split(strings.ReplaceAll(row.ProfileColumns, " ", ""), ",")
	historyColumns = []string{"employee_id", "at", "actor", "incident", "changes"}
)

func scanProfile(sc pgx.Row) (profile.Profile, error) {
	var r row.Profile
	if err := sc.Scan(r.Dest(&r.UpdatedAt)...); err != nil {
		return profile.Profile{}, err
	}
	return r.Decode()
}

// GetProfile returns the profile with the employee id.
func (s *Store) GetProfile(ctx context.Context, employeeID string) (profile.Profile, error) {
	p, err := scanProfile(s.pool.QueryRow(ctx, selectProfiles+`WHERE employee_id = $1`, employeeID))
	if errors.Is(err, pgx.ErrNoRows) {
		return profile.Profile{}, fmt.Errorf("store/postgres: profile %s: %w", employeeID, store.ErrNotFound)
	}
	if err != nil {
		return profile.Profile{}, fmt.Errorf("store/postgres: profile %s: %w", employeeID, err)
	}
	return p, nil
}

// FindProfileByEmail returns the profile with the work email, case-insensitively.
func (s *Store) FindProfileByEmail(ctx context.Context, email string) (profile.Profile, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	if key == "" {
		return profile.Profile{}, fmt.Errorf("store/postgres: profile with empty email: %w", store.ErrNotFound)
	}
	p, err := scanProfile(s.pool.QueryRow(ctx, selectProfiles+`WHERE email = $1 ORDER BY employee_id LIMIT 1`, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return profile.Profile{}, fmt.Errorf("store/postgres: profile with email %s: %w", email, store.ErrNotFound)
	}
	if err != nil {
		return profile.Profile{}, fmt.Errorf("store/postgres: profile with email %s: %w", email, err)
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
	rows, err := s.pool.Query(ctx, selectProfiles+`WHERE employee_id > $1 ORDER BY employee_id LIMIT $2`, after, scanPage)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: scan profiles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, fmt.Errorf("store/postgres: scan profiles: %w", err)
		}
		page = append(page, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/postgres: scan profiles: %w", err)
	}
	return page, nil
}

// CountProfiles returns the number of profiles.
func (s *Store) CountProfiles(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM profiles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store/postgres: count profiles: %w", err)
	}
	return n, nil
}

// SaveProfile upserts the profile and adds its history row, in one transaction.
func (s *Store) SaveProfile(ctx context.Context, p profile.Profile, rec store.Record) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		id := p.EmployeeID()
		if id == "" {
			return row.ErrNoEmployeeID
		}
		// Saves of one person queue here, so that each history row starts from what the
		// one before it left; the row lock alone would not cover a person being created.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('ilm/store/profile'), hashtext($1))`, id); err != nil {
			return err
		}
		prior := map[string]profile.Profile{}
		old, err := scanProfile(tx.QueryRow(ctx, selectProfiles+`WHERE employee_id = $1 FOR UPDATE`, id))
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		default:
			prior[id] = old
		}
		saves, err := row.Plan(prior, []profile.Profile{p}, row.Now(rec.At))
		if err != nil {
			return err
		}
		sv := saves[0]
		if _, err := tx.Exec(ctx, `INSERT INTO profiles (`+row.ProfileColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`+upsertSet,
			append(sv.Row.Args(), sv.Row.UpdatedAt)...); err != nil {
			return err
		}
		if sv.Changes == "" {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO profile_history (employee_id, at, actor, incident, changes)
			VALUES ($1, $2, $3, $4, $5)`, id, sv.Row.UpdatedAt, rec.Actor, rec.Incident, sv.Changes)
		return err
	})
	if err != nil {
		return fmt.Errorf("store/postgres: save profile %s: %w", p.EmployeeID(), err)
	}
	return nil
}

// SaveProfiles upserts the profiles and adds their history rows, in one transaction: it
// reads the stored profiles in chunks, then copies the rows into a temporary table to
// upsert from, and the history rows straight into their table.
func (s *Store) SaveProfiles(ctx context.Context, ps []profile.Profile, rec store.Record) error {
	if len(ps) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Other writers of profiles wait, readers do not.
		if _, err := tx.Exec(ctx, `LOCK TABLE profiles IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		prior, err := readPrior(ctx, tx, ps)
		if err != nil {
			return err
		}
		at := row.Now(rec.At)
		saves, err := row.Plan(prior, ps, at)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE profiles_in (LIKE profiles) ON COMMIT DROP`); err != nil {
			return err
		}
		upserts := row.Last(saves)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"profiles_in"}, profileColumns,
			pgx.CopyFromSlice(len(upserts), func(i int) ([]any, error) {
				return append(upserts[i].Row.Args(), upserts[i].Row.UpdatedAt), nil
			})); err != nil {
			return fmt.Errorf("copy profiles: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO profiles (`+row.ProfileColumns+`)
			SELECT `+row.ProfileColumns+` FROM profiles_in`+upsertSet); err != nil {
			return fmt.Errorf("upsert profiles: %w", err)
		}
		var history [][]any
		for _, sv := range saves {
			if sv.Changes != "" {
				history = append(history, []any{sv.Row.EmployeeID, at, rec.Actor, rec.Incident, sv.Changes})
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"profile_history"}, historyColumns, pgx.CopyFromRows(history)); err != nil {
			return fmt.Errorf("copy history: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store/postgres: save %d profiles: %w", len(ps), err)
	}
	return nil
}

// readPrior returns the stored profiles of the employee ids of ps.
func readPrior(ctx context.Context, tx pgx.Tx, ps []profile.Profile) (map[string]profile.Profile, error) {
	prior := make(map[string]profile.Profile, len(ps))
	ids := make([]string, 0, min(len(ps), priorChunk))
	flush := func() error {
		rows, err := tx.Query(ctx, selectProfiles+`WHERE employee_id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanProfile(rows)
			if err != nil {
				return err
			}
			prior[p.EmployeeID()] = p
		}
		ids = ids[:0]
		return rows.Err()
	}
	seen := make(map[string]bool, len(ps))
	for _, p := range ps {
		id := p.EmployeeID()
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
		if len(ids) == priorChunk {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if len(ids) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return prior, nil
}

// History returns the employee id's history rows, oldest first.
func (s *Store) History(ctx context.Context, employeeID string) ([]store.HistoryEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT at, actor, incident, changes FROM profile_history
		WHERE employee_id = $1 ORDER BY at, id`, employeeID)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: history of %s: %w", employeeID, err)
	}
	defer rows.Close()
	var hs []store.HistoryEntry
	for rows.Next() {
		h := store.HistoryEntry{EmployeeID: employeeID}
		var changes string
		if err := rows.Scan(&h.At, &h.Actor, &h.Incident, &changes); err != nil {
			return nil, fmt.Errorf("store/postgres: history of %s: %w", employeeID, err)
		}
		h.At = h.At.UTC()
		if h.Changes, err = row.DecodeChanges(changes); err != nil {
			return nil, fmt.Errorf("store/postgres: history of %s: %w", employeeID, err)
		}
		hs = append(hs, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/postgres: history of %s: %w", employeeID, err)
	}
	return hs, nil
}
