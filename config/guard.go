package config

import "fmt"

// Guard is the mass-change guard of a workday instance (SPEC §1): it is on unless Disabled,
// and a bound left out takes its default, because a forgotten key must never mean "no
// guard". Zero is a bound like any other: it allows no event of its kind.
type Guard struct {
	// Disabled turns the guard off: every poll then runs whatever the report says.
	Disabled bool `yaml:"disabled"`
	// The access removals (terminations, AD deactivations, orphan reviews) one poll may raise.
	MaxAccessRemovals       *int     `yaml:"max_access_removals"`
	MaxAccessRemovalPercent *float64 `yaml:"max_access_removal_percent"`
	// The credential grants (new hires, AD activations, rehires) one poll may raise.
	MaxCredentialGrants       *int     `yaml:"max_credential_grants"`
	MaxCredentialGrantPercent *float64 `yaml:"max_credential_grant_percent"`

	// The keys of the guard that counted terminations and orphans only, kept to tell the
	// operator of an older config what they became.
	OldMaxTerminations       *int     `yaml:"max_terminations"`
	OldMaxTerminationPercent *float64 `yaml:"max_termination_percent"`
}

// Defaults of the guard's bounds: a poll may touch 100 people, or 20% of the active ones,
// whichever is fewer, per kind of event.
const (
	DefaultGuardMax        = 100
	DefaultGuardMaxPercent = 20
)

// GuardLimit is one bound of the guard: more than Max people, or more than MaxPercent of the
// active people, trips it.
type GuardLimit struct {
	Max        int
	MaxPercent float64
}

// AccessRemovals is the bound on access removals, defaults filled in.
func (g Guard) AccessRemovals() GuardLimit {
	return limit(g.MaxAccessRemovals, g.MaxAccessRemovalPercent)
}

// CredentialGrants is the bound on credential grants, defaults filled in.
func (g Guard) CredentialGrants() GuardLimit {
	return limit(g.MaxCredentialGrants, g.MaxCredentialGrantPercent)
}

func limit(max *int, percent *float64) GuardLimit {
	l := GuardLimit{Max: DefaultGuardMax, MaxPercent: DefaultGuardMaxPercent}
	if max != nil {
		l.Max = *max
	}
	if percent != nil {
		l.MaxPercent = *percent
	}
	return l
}

func (g Guard) validate(key string) []error {
	var errs []error
	if g.OldMaxTerminations != nil {
		errs = append(errs, fmt.Errorf("%s.max_terminations: now max_access_removals (it counts AD deactivations too)", key))
	}
	if g.OldMaxTerminationPercent != nil {
		errs = append(errs, fmt.Errorf("%s.max_termination_percent: now max_access_removal_percent (it counts AD deactivations too)", key))
	}
	if n := g.MaxAccessRemovals; n != nil && *n < 0 {
		errs = append(errs, fmt.Errorf("%s.max_access_removals: must be >= 0", key))
	}
	if n := g.MaxCredentialGrants; n != nil && *n < 0 {
		errs = append(errs, fmt.Errorf("%s.max_credential_grants: must be >= 0", key))
	}
	if p := g.MaxAccessRemovalPercent; p != nil && (*p < 0 || *p > 100) {
		errs = append(errs, fmt.Errorf("%s.max_access_removal_percent: must be between 0 and 100", key))
	}
	// New hires may outnumber the people already there, so this share may pass 100.
	if p := g.MaxCredentialGrantPercent; p != nil && *p < 0 {
		errs = append(errs, fmt.Errorf("%s.max_credential_grant_percent: must be >= 0", key))
	}
	return errs
}
