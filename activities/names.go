package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/activity"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// UniqueNames is how the worker chooses account names (provisioning.unique_names): the
// mapper whose username_candidates field lists the candidates, compiled when the worker
// starts, and the length limit.
type UniqueNames struct {
	Mapper    *mappers.Mapper
	MaxLength int
}

// CandidatesField is the field of a unique-names mapper that lists the candidates.
const CandidatesField = "username_candidates"

// RequireCandidates refuses a unique-names mapper without the candidates field.
func RequireCandidates(m *mappers.Mapper) error {
	for _, f := range m.Fields() {
		if f == CandidatesField {
			return nil
		}
	}
	return fmt.Errorf("mapper %s has no %s field: it lists the account names to try", m.Name, CandidatesField)
}

// NameRequest is the input of ReserveAccountName.
type NameRequest struct {
	Profile profile.Profile `json:"profile"`
	// Targets are the instances the person gets accounts in: the name must be free in each.
	Targets []string `json:"targets"`
}

// ReserveAccountName returns the person's account name: the one reserved for them already,
// if any (a retry, a rehire, a second New Hire after an aborted one get it back), else the
// first candidate of the unique-names mapper that no other person holds in the store and no
// account but the person's own holds in any of the targets (connectors.NameChecker),
// reserved in the store. Two people choosing at once never get the same name: the store's
// reservation is unique, and the one who loses it tries the next candidate.
//
// A candidate is taken in a target when an account of another person, an account that
// stores no employee id (made by hand, say), or a protected account holds it. A target that
// cannot be asked fails the activity, to be retried; no free candidate, or a mapper that
// gives none, is final: the incident goes to review.
func (a *Activities) ReserveAccountName(ctx context.Context, req NameRequest) (string, error) {
	if a.UniqueNames == nil {
		return "", configError(errors.New("provisioning.unique_names is off on this worker, but the incident was planned with it on"))
	}
	id := req.Profile.EmployeeID()
	if id == "" {
		return "", invalid(errors.New("choose an account name: the profile has no employee id"))
	}
	held, err := a.Store.ReservedAccountName(ctx, id)
	if err != nil || held != "" {
		return held, err
	}
	names, err := a.candidates(req.Profile)
	if err != nil {
		return "", invalid(fmt.Errorf("choose an account name for employee %s: %w", id, err))
	}
	checkers, err := a.nameCheckers(req.Targets)
	if err != nil {
		return "", err
	}
	var taken []string
	for _, name := range names {
		holder, err := a.nameHolder(ctx, checkers, req.Profile, name)
		if err != nil {
			return "", err
		}
		if holder == "" {
			got, err := a.Store.ReserveAccountName(ctx, id, name, a.now())
			if err == nil {
				return got, nil
			}
			if !errors.Is(err, store.ErrNameTaken) {
				return "", err
			}
			holder = "reserved by another person just now"
		}
		activity.GetLogger(ctx).Info("account name taken", "employee_id", id, "name", name, "held_by", holder)
		if len(taken) < 5 {
			taken = append(taken, fmt.Sprintf("%s (%s)", name, holder))
		}
	}
	return "", invalid(fmt.Errorf("no free account name for employee %s among %d candidates; taken: %s",
		id, len(names), strings.Join(taken, "; ")))
}

// candidates are the names the unique-names mapper makes of p, in order.
func (a *Activities) candidates(p profile.Profile) ([]string, error) {
	out, err := a.UniqueNames.Mapper.Map(connectors.MapperSource(p.Fields, "", 0), mappers.Options{})
	if err != nil {
		return nil, err
	}
	names, err := mappers.AccountNames(out[CandidatesField], a.UniqueNames.MaxLength)
	if err != nil {
		return nil, fmt.Errorf("mapper %s, field %s: %w", a.UniqueNames.Mapper.Name, CandidatesField, err)
	}
	return names, nil
}

// namedChecker is a target that can tell whether a name is taken, with its instance name.
type namedChecker struct {
	instance string
	connectors.NameChecker
}

// nameCheckers returns the targets to check names in; one that cannot check names is a
// configuration error.
func (a *Activities) nameCheckers(instances []string) ([]namedChecker, error) {
	var out []namedChecker
	for _, name := range instances {
		target, ok := a.Targets[name]
		if !ok {
			return nil, configError(fmt.Errorf("instance %q is not a provisioning target this worker knows", name))
		}
		nc, ok := target.(connectors.NameChecker)
		if !ok {
			return nil, configError(fmt.Errorf("instance %q cannot check account names (provisioning.unique_names)", name))
		}
		out = append(out, namedChecker{instance: name, NameChecker: nc})
	}
	return out, nil
}

// nameHolder says who holds name: another person in the store, or an account in one of the
// targets (naming the instance); "" when the name is free for p.
func (a *Activities) nameHolder(ctx context.Context, checkers []namedChecker, p profile.Profile, name string) (string, error) {
	holder, err := a.Store.AccountNameHolder(ctx, name)
	if err != nil {
		return "", err
	}
	if holder != "" && holder != p.EmployeeID() {
		return "reserved for employee " + holder, nil
	}
	probe := p.Clone()
	probe.AccountName = name
	for _, c := range checkers {
		account, err := c.NameHolder(ctx, probe)
		if err != nil {
			return "", classify(fmt.Errorf("%s: check account name %q: %w", c.instance, name, err))
		}
		if account != "" {
			return c.instance + ": " + account, nil
		}
	}
	return "", nil
}
