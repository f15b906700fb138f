// Package activities holds ILM's Temporal activities: thin adapters that call the store,
// the HR source and the connectors, and classify their errors (errors.go). Workflows refer
// to them through a nil *Activities.
package activities

import (
	"context"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/internal/redact"
	"github.com/ilm-dev/ilm/store"
)

// IncidentStarter starts incident workflows. The worker wires the Temporal implementation
// (workflows.IncidentStarter); activities know nothing of workflow types.
type IncidentStarter interface {
	// Start starts the incident; started is false when an incident for the same person is
	// already running.
	Start(ctx context.Context, in Incident) (workflowID string, started bool, err error)
	// Running returns the employee ids that have an incident in flight.
	Running(ctx context.Context) (map[string]bool, error)
	// StartApp starts the App workflow of an Okta event; started is false when a workflow
	// for that event exists already (a duplicate delivery).
	StartApp(ctx context.Context, ev AppEvent) (workflowID string, started bool, err error)
}

// Activities is the set of activities the worker registers.
type Activities struct {
	Config  *config.Config
	Store   store.Store
	Targets map[string]connectors.Target
	// Okta holds the Okta instances App Sync reads, by instance name.
	Okta    map[string]OktaOrg
	Starter IncidentStarter
	Planner *hrsync.Planner
	// Mail sends the temporary passwords and the failure notices.
	Mail Mail
	// Activation sets, enables and mails temporary passwords (the "activate" step).
	Activation Activation
	// UniqueNames chooses new hires' account names (names.go); nil when
	// provisioning.unique_names is off.
	UniqueNames *UniqueNames
	// Redactor knows every configured secret; errors and logs of every activity are cleared
	// of them (redact.go). Nil redacts nothing.
	Redactor *redact.Redactor
	// Now is the clock (time.Now when nil); tests and --now override it.
	Now func() time.Time
	// EmailSearch, when set, is the Email search attribute's value of an email, which App
	// incidents set once they know the person (codec.EmailSearch.Value).
	EmailSearch func(email string) string
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}
