package wiring

import (
	"context"
	"fmt"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/store"
)

// Roster is the members of one role.
type Roster struct {
	Role    string
	Members []store.Reviewer
}

// SetRosters replaces the roster of each role the entries name with that role's entries, a
// transaction per role; members who stay keep their open assignments and last assignment
// time, so that round-robin and least-loaded go on where they were. It returns the rosters
// set, in the order the entries first name their roles. The entries must be valid
// (config.ValidateRoster).
func SetRosters(ctx context.Context, st store.Store, entries []config.Reviewer) ([]Roster, error) {
	var rosters []Roster
	index := map[string]int{}
	for _, e := range entries {
		i, ok := index[e.Role]
		if !ok {
			i = len(rosters)
			index[e.Role] = i
			rosters = append(rosters, Roster{Role: e.Role})
		}
		rosters[i].Members = append(rosters[i].Members, store.Reviewer{Role: e.Role, Username: e.Username, Email: e.Email, OnCall: e.OnCall})
	}
	for _, r := range rosters {
		if err := st.SetRoster(ctx, r.Role, r.Members); err != nil {
			return nil, fmt.Errorf("roster of %s: %w", r.Role, err)
		}
	}
	return rosters, nil
}

// ApplyRoster applies the config's provisioning.review.roster, when it has one.
func (e *Env) ApplyRoster(ctx context.Context) ([]Roster, error) {
	return SetRosters(ctx, e.Store, e.Config.Provisioning.Review.Roster)
}
