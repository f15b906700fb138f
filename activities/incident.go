package activities

import (
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
)

// DefaultReviewTimeout is how long a failed incident waits for a human decision when the
// config does not say.
const DefaultReviewTimeout = 7 * 24 * time.Hour

// NewIncident turns a detected event into an incident: which targets to call, in order, with
// which options (SPEC §1 "Workflows"), and who reviews a failure.
func NewIncident(cfg *config.Config, instance string, ev lifecycle.Event) Incident {
	t := cfg.Provisioning.Targets
	var steps []TargetCall
	add := func(names []string, op connectors.Operation, opts connectors.UpdateOptions) {
		for _, name := range names {
			steps = append(steps, TargetCall{Instance: name, Operation: op, Options: opts})
		}
	}
	switch ev.Type {
	case lifecycle.NewHire:
		add(t.Create, connectors.OpCreate, connectors.UpdateOptions{})
	case lifecycle.UpdateUser:
		add(t.Update, connectors.OpUpdate, connectors.UpdateOptions{})
	case lifecycle.RehireUser:
		// An AD account is enabled by AD Activation, which sets and mails a new password;
		// enabling it here would bring back the old one.
		for _, name := range t.Update {
			add([]string{name}, connectors.OpUpdate, connectors.UpdateOptions{AllowEnable: !isActiveDirectory(cfg, name)})
		}
	case lifecycle.TerminateUser:
		add(t.Disable, connectors.OpDisable, connectors.UpdateOptions{})
	case lifecycle.ADActivation:
		add(activeDirectory(cfg, t.Create), connectors.OpActivate, connectors.UpdateOptions{})
	case lifecycle.ADDeactivation:
		add(activeDirectory(cfg, t.Create), connectors.OpDisable, connectors.UpdateOptions{})
	}
	return Incident{
		Instance:      instance,
		Type:          ev.Type,
		EmployeeID:    ev.EmployeeID,
		Details:       ev.Details,
		ChangedFields: ev.ChangedFields,
		Intended:      ev.Intended,
		Profile:       ev.Profile,
		// The event's profile is the stored one with the report's fields over it.
		PlannedRevision: ev.Profile.Revision,
		Steps:           steps,
		Review:          reviewPolicy(cfg),
	}
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

// activeDirectory returns the Active Directory instances among names: the accounts that new
// hires get disabled and activation enables.
func activeDirectory(cfg *config.Config, names []string) []string {
	var ad []string
	for _, name := range names {
		if isActiveDirectory(cfg, name) {
			ad = append(ad, name)
		}
	}
	return ad
}

func isActiveDirectory(cfg *config.Config, name string) bool {
	_, err := cfg.ActiveDirectoryInstance(name)
	return err == nil
}
