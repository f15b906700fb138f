package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// priorChunk is how many employee ids a save looks up in one query.
const priorChunk = 1024

// OnConflictUpdateProfile ends an INSERT into profiles so that it replaces the row of an
// employee id already stored.
const OnConflictUpdateProfile = ` ON CONFLICT (employee_id) DO UPDATE SET email = excluded.email, fields = excluded.fields,
	ad_status = excluded.ad_status, source_priority = excluded.source_priority,
	source_of_truth = excluded.source_of_truth, conversion_hire = excluded.conversion_hire,
	acquisition_hire = excluded.acquisition_hire, applications = excluded.applications,
	old_user_data = excluded.old_user_data, account_name = excluded.account_name, display_name = excluded.display_name,
	employment_status = excluded.employment_status, termination_trigger = excluded.termination_trigger,
	fields_digest = excluded.fields_digest, revision = excluded.revision, updated_at = excluded.updated_at`

const upsertProfile = `INSERT INTO profiles (` + row.ProfileColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` +
	OnConflictUpdateProfile

const insertHistory = `INSERT INTO profile_history (employee_id, at, actor, incident, changes) VALUES (?, ?, ?, ?, ?)`

// SaveProfile upserts the profile and adds its history row, in one transaction.
func (s *Store) SaveProfile(ctx context.Context, p profile.Profile, rec store.Record) error {
	if err := s.save(ctx, []profile.Profile{p}, rec); err != nil {
		return s.errorf("save profile %s: %w", p.EmployeeID(), err)
	}
	return nil
}

// SaveProfiles upserts the profiles and adds their history rows, in one transaction.
func (s *Store) SaveProfiles(ctx context.Context, ps []profile.Profile, rec store.Record) error {
	if err := s.save(ctx, ps, rec); err != nil {
		return s.errorf("save %d profiles: %w", len(ps), err)
	}
	return nil
}

// UpdateProfile changes the stored profile of the employee id with change, in one
// transaction that holds the person's lock, and saves it when that changed anything.
func (s *Store) UpdateProfile(ctx context.Context, employeeID string, rec store.Record, change func(p *profile.Profile, found bool) error) (profile.Profile, error) {
	var saved profile.Profile
	err := s.saveOver(ctx, []string{employeeID}, rec, func(prior map[string]profile.Profile) ([]profile.Profile, error) {
		stored, found := prior[employeeID]
		p := stored.Clone()
		if err := change(&p, found); err != nil {
			return nil, err
		}
		if id := p.EmployeeID(); id != employeeID {
			return nil, fmt.Errorf("the change turned employee id %s into %q", employeeID, id)
		}
		if found && len(store.Changes(stored, p)) == 0 {
			saved = stored
			return nil, nil
		}
		saved = p
		saved.Revision++
		saved.UpdatedAt = row.Now(rec.At)
		return []profile.Profile{p}, nil
	})
	if err != nil {
		return profile.Profile{}, s.errorf("update profile %s: %w", employeeID, err)
	}
	return saved, nil
}

// save saves ps in one transaction.
func (s *Store) save(ctx context.Context, ps []profile.Profile, rec store.Record) error {
	if len(ps) == 0 {
		return nil
	}
	return s.saveOver(ctx, employeeIDs(ps), rec, func(map[string]profile.Profile) ([]profile.Profile, error) { return ps, nil })
}

// saveOver saves what build makes of the stored profiles of the people with the ids, in one
// transaction: it takes the dialect's locks, reads the stored profiles, works out the rows
// to write and writes them, through the dialect's WriteProfiles when there are many people
// and it has one.
func (s *Store) saveOver(ctx context.Context, ids []string, rec store.Record, build func(prior map[string]profile.Profile) ([]profile.Profile, error)) error {
	at := row.Now(rec.At)
	return s.inTx(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		forUpdate, err := s.lock(ctx, tx, ids)
		if err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		prior, err := s.readPrior(ctx, tx, ids, forUpdate)
		if err != nil {
			return err
		}
		ps, err := build(prior)
		if err != nil || len(ps) == 0 {
			return err
		}
		saves, err := row.Plan(prior, ps, at)
		if err != nil {
			return err
		}
		if len(ids) > 1 && s.dialect.WriteProfiles != nil {
			return s.dialect.WriteProfiles(ctx, conn, saves, rec)
		}
		return s.writeRows(ctx, tx, saves, rec)
	})
}

// employeeIDs returns the employee ids of ps, each once, in order, leaving out the empty
// one.
func employeeIDs(ps []profile.Profile) []string {
	ids := make([]string, 0, len(ps))
	seen := make(map[string]bool, len(ps))
	for _, p := range ps {
		if id := p.EmployeeID(); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// lock takes the dialect's locks for a save of the people with the ids, and returns what
// the read of their stored profiles ends with.
func (s *Store) lock(ctx context.Context, tx *sql.Tx, ids []string) (forUpdate string, err error) {
	switch {
	case len(ids) == 1 && s.dialect.LockProfile != "":
		_, err = tx.ExecContext(ctx, s.dialect.LockProfile, ids[0])
		return " FOR UPDATE", err
	case len(ids) > 1 && s.dialect.LockProfiles != "":
		_, err = tx.ExecContext(ctx, s.dialect.LockProfiles)
	}
	return "", err
}

// readPrior returns the stored profiles of the ids, read in tx by queries ending with
// forUpdate. A query's ids are padded to a power of two with its last one, so that the
// database sees few distinct statements: PostgreSQL's driver keeps each it sees prepared.
func (s *Store) readPrior(ctx context.Context, tx *sql.Tx, ids []string, forUpdate string) (map[string]profile.Profile, error) {
	prior := make(map[string]profile.Profile, len(ids))
	var found []profile.Profile
	for chunk := range slices.Chunk(ids, priorChunk) {
		args := make([]any, 1<<bits.Len(uint(len(chunk)-1)))
		for i := range args {
			args[i] = chunk[min(i, len(chunk)-1)]
		}
		query := selectProfiles + `WHERE employee_id IN (?` + strings.Repeat(", ?", len(args)-1) + `)` + forUpdate
		var err error
		if found, err = appendRows(ctx, tx, found[:0], scanProfile, s.bind(query), args...); err != nil {
			return nil, fmt.Errorf("stored profiles: %w", err)
		}
		for _, p := range found {
			prior[p.EmployeeID()] = p
		}
	}
	return prior, nil
}

// writeRows writes the saves a statement per row: it upserts each row and adds the history
// row of each save that changes something.
func (s *Store) writeRows(ctx context.Context, tx *sql.Tx, saves []row.Save, rec store.Record) error {
	upsert, err := s.prepare(ctx, tx, upsertProfile, len(saves))
	if err != nil {
		return err
	}
	defer upsert.Close()
	history, err := s.prepare(ctx, tx, insertHistory, len(saves))
	if err != nil {
		return err
	}
	defer history.Close()
	for _, sv := range saves {
		at := s.timeArg(sv.Row.UpdatedAt)
		if err := upsert.exec(ctx, append(sv.Row.Args(), at)...); err != nil {
			return fmt.Errorf("profile %s: %w", sv.Row.EmployeeID, err)
		}
		if sv.Changes == "" {
			continue
		}
		if err := history.exec(ctx, sv.Row.EmployeeID, at, rec.Actor, rec.Incident, sv.Changes); err != nil {
			return fmt.Errorf("profile %s: history: %w", sv.Row.EmployeeID, err)
		}
	}
	return nil
}
