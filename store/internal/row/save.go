package row

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// Save is what saving one profile writes: its row and, when it changed anything, a history
// row with Changes as JSON.
type Save struct {
	Row     Profile
	Changes string // "" when the save changes nothing
}

// Plan works out the saves of ps, in order, stamped at, over prior: the stored profiles
// of their employee ids (absent when new). Each save takes the revision after the stored
// one. A profile saved twice is compared the second time with the first. prior is updated
// to hold what is stored after the saves.
func Plan(prior map[string]profile.Profile, ps []profile.Profile, at time.Time) ([]Save, error) {
	saves := make([]Save, 0, len(ps))
	for i, p := range ps {
		p.UpdatedAt = at
		p.Revision = prior[p.EmployeeID()].Revision + 1
		r, err := Encode(p)
		if err != nil {
			return nil, fmt.Errorf("profile %d of %d: %w", i+1, len(ps), err)
		}
		s := Save{Row: r}
		if ch := store.Changes(prior[r.EmployeeID], p); len(ch) > 0 {
			b, err := json.Marshal(ch)
			if err != nil {
				return nil, fmt.Errorf("profile %s: changes: %w", r.EmployeeID, err)
			}
			s.Changes = string(b)
		}
		prior[r.EmployeeID] = p
		saves = append(saves, s)
	}
	return saves, nil
}

// Last returns the saves with only the last save of each employee id, keeping their
// order: the rows a bulk upsert writes, which must not touch a row twice.
func Last(saves []Save) []Save {
	last := make(map[string]int, len(saves))
	for i, s := range saves {
		last[s.Row.EmployeeID] = i
	}
	if len(last) == len(saves) {
		return saves
	}
	out := make([]Save, 0, len(last))
	for i, s := range saves {
		if last[s.Row.EmployeeID] == i {
			out = append(out, s)
		}
	}
	return out
}

// DecodeChanges decodes the Changes of a history row.
func DecodeChanges(s string) (map[string]profile.Change, error) {
	var ch map[string]profile.Change
	if err := json.Unmarshal([]byte(s), &ch); err != nil {
		return nil, fmt.Errorf("history changes: %w", err)
	}
	return ch, nil
}
