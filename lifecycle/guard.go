package lifecycle

import (
	"fmt"
	"strings"
)

// GuardCounts counts, per incident type, the events the mass-change guard bounds. Orphans are
// the Sync User reviews of people missing from the report; the reviews raised by a display
// name collision take nothing away and are not counted.
type GuardCounts struct {
	Terminations    int `json:"terminations"`
	ADDeactivations int `json:"ad_deactivations"`
	Orphans         int `json:"orphans"`
	NewHires        int `json:"new_hires"`
	ADActivations   int `json:"ad_activations"`
	Rehires         int `json:"rehires"`
	// ScopeExits are the updates that disable an account on leaving a target's scope, and
	// ScopeEntries those that create one on entering it (one per person, whatever the
	// number of targets).
	ScopeExits   int `json:"scope_exits,omitempty"`
	ScopeEntries int `json:"scope_entries,omitempty"`
}

// add counts an event raised from a report row.
func (c *GuardCounts) add(ev *Event) {
	if ev.hasMove(ScopeExitDisable) {
		c.ScopeExits++
	}
	if ev.hasMove(ScopeEnter) {
		c.ScopeEntries++
	}
	switch ev.Type {
	case TerminateUser:
		c.Terminations++
	case ADDeactivation:
		c.ADDeactivations++
	case NewHire:
		c.NewHires++
	case ADActivation:
		c.ADActivations++
	case RehireUser:
		c.Rehires++
	}
}

// AccessRemovals is the number of events that take access away.
func (c GuardCounts) AccessRemovals() int {
	return c.Terminations + c.ADDeactivations + c.Orphans + c.ScopeExits
}

// CredentialGrants is the number of events that create accounts or set passwords.
func (c GuardCounts) CredentialGrants() int {
	return c.NewHires + c.ADActivations + c.Rehires + c.ScopeEntries
}

// Removals lists the access removals per type.
func (c GuardCounts) Removals() string {
	s := fmt.Sprintf("%d terminations, %d AD deactivations, %d orphans", c.Terminations, c.ADDeactivations, c.Orphans)
	if c.ScopeExits > 0 {
		s += fmt.Sprintf(", %d scope exits", c.ScopeExits)
	}
	return s
}

// Grants lists the credential grants per type.
func (c GuardCounts) Grants() string {
	s := fmt.Sprintf("%d new hires, %d AD activations, %d rehires", c.NewHires, c.ADActivations, c.Rehires)
	if c.ScopeEntries > 0 {
		s += fmt.Sprintf(", %d scope entries", c.ScopeEntries)
	}
	return s
}

// String gives both totals with their types, as operators read them when the guard trips.
func (c GuardCounts) String() string {
	return fmt.Sprintf("%d access removals (%s); %d credential grants (%s)",
		c.AccessRemovals(), c.Removals(), c.CredentialGrants(), c.Grants())
}

// exceeded names the bounds that n events among active people go past ("" for none), by the
// config keys of the count (key) and the share (percentKey).
func (l Limit) exceeded(key, percentKey string, n, active int) string {
	var out []string
	if n > l.Max {
		out = append(out, fmt.Sprintf("%s %d", key, l.Max))
	}
	if active > 0 {
		if pct := float64(n) * 100 / float64(active); pct > l.MaxPercent {
			out = append(out, fmt.Sprintf("%s %g (%.1f%% of %d active)", percentKey, l.MaxPercent, pct, active))
		}
	}
	return strings.Join(out, " and ")
}

// judge applies the mass-change guard: a poll that would take access from, or give
// credentials to, more people than the bounds allow must start nothing.
func judge(g Guard, c GuardCounts, active int) GuardVerdict {
	v := GuardVerdict{Disabled: g.Disabled, Counts: c, Active: active}
	if g.Disabled {
		return v
	}
	var over []string
	if s := g.AccessRemovals.exceeded("max_access_removals", "max_access_removal_percent", c.AccessRemovals(), active); s != "" {
		over = append(over, fmt.Sprintf("%d access removals (%s) exceed %s", c.AccessRemovals(), c.Removals(), s))
	}
	if s := g.CredentialGrants.exceeded("max_credential_grants", "max_credential_grant_percent", c.CredentialGrants(), active); s != "" {
		over = append(over, fmt.Sprintf("%d credential grants (%s) exceed %s", c.CredentialGrants(), c.Grants(), s))
	}
	if len(over) > 0 {
		v.Tripped = true
		v.Reason = "mass-change guard: " + strings.Join(over, "; ")
	}
	return v
}
