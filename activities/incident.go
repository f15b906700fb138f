package activities

import (
	"slices"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/lifecycle"
)

// DefaultReviewTimeout is how long a failed incident waits for a human decision when the
// config does not say.
const DefaultReviewTimeout = 7 * 24 * time.Hour

// NewIncident turns a detected event into an incident: the event, who reviews a failure,
// and a snapshot of the provisioning targets. What the incident does with the targets is
// its workflow's playbook.
func NewIncident(cfg *config.Config, instance string, ev lifecycle.Event) Incident {
	return Incident{
		Instance:      instance,
		Type:          ev.Type,
		EmployeeID:    ev.EmployeeID,
		Details:       ev.Details,
		ChangedFields: changedFields(ev),
		Intended:      ev.Intended,
		Profile:       ev.Profile,
		// The event's profile is the stored one with the report's fields over it.
		PlannedRevision: ev.Profile.Revision,
		Targets:         targets(cfg, ev.Scope),
		UniqueNames:     cfg.Provisioning.UniqueNames.Enabled && (ev.Type == lifecycle.NewHire || ev.Type == lifecycle.RehireUser),
		Review:          reviewPolicy(cfg),
	}
}

// changedFields are the event's changes without the new values its profile holds.
func changedFields(ev lifecycle.Event) map[string]ChangedField {
	if len(ev.ChangedFields) == 0 {
		return nil
	}
	out := make(map[string]ChangedField, len(ev.ChangedFields))
	for k, c := range ev.ChangedFields {
		f := ChangedField{Old: c.Old, New: c.New}
		if ev.Profile.Fields[k] == c.New {
			f.New = ""
		}
		out[k] = f
	}
	return out
}

// targets copies provisioning.targets, names the Active Directory instances among them, and
// sets apart the scoped targets the event's scope steps name.
func targets(cfg *config.Config, scope []lifecycle.ScopeStep) Targets {
	t := cfg.Provisioning.Targets
	apart := func(name string) bool {
		return slices.ContainsFunc(scope, func(s lifecycle.ScopeStep) bool { return s.Instance == name })
	}
	out := Targets{
		Create:  slices.DeleteFunc(slices.Clone(t.Create), apart),
		Update:  slices.DeleteFunc(slices.Clone(t.Update), apart),
		Disable: slices.DeleteFunc(slices.Clone(t.Disable), apart),
	}
	for _, names := range [][]string{t.Create, t.Update, t.Disable} {
		for _, name := range names {
			if isActiveDirectory(cfg, name) && !slices.Contains(out.ActiveDirectory, name) {
				out.ActiveDirectory = append(out.ActiveDirectory, name)
			}
		}
	}
	for _, s := range scope {
		step := ScopeStep{Instance: s.Instance, Move: s.Move, Scope: s.Scope, Create: slices.Contains(t.Create, s.Instance)}
		if s.Move == lifecycle.ScopeEnter && !step.Create && !slices.Contains(t.Update, s.Instance) {
			continue // a disable-only target has no account to give
		}
		out.Scope = append(out.Scope, step)
	}
	return out
}

// reviewPolicy is the config's review policy, with the default timeout.
func reviewPolicy(cfg *config.Config) ReviewPolicy {
	review := cfg.Provisioning.Review
	timeout := review.Timeout.Duration
	if timeout == 0 {
		timeout = DefaultReviewTimeout
	}
	return ReviewPolicy{Role: review.Role, Method: review.Method, OnCallOnly: review.OnCallOnly, Timeout: timeout}
}

func isActiveDirectory(cfg *config.Config, name string) bool {
	_, err := cfg.ActiveDirectoryInstance(name)
	return err == nil
}
