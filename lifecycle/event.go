// Package lifecycle decides what a Workday report means for the people ILM knows: which
// incidents (new hire, update, termination, …) each row raises, which rows are unusable, which
// stored profiles went missing, and whether the whole poll looks like a mass change that must
// not run; and what an Okta App event comes to (appsync.go). It is pure: the report, the stored
// profiles, the running incidents, the clock and Okta's live view all come in as arguments, so
// the same inputs always give the same plan.
package lifecycle

import (
	"fmt"

	"github.com/ilm-dev/ilm/profile"
)

// EventType is the incident type an event raises; the values are XSOAR's incident type names,
// which our users know.
type EventType string

// Incident types raised by event detection (SPEC §1).
const (
	NewHire        EventType = "IAM - New Hire"
	UpdateUser     EventType = "IAM - Update User"
	TerminateUser  EventType = "IAM - Terminate User"
	RehireUser     EventType = "IAM - Rehire User"
	ADActivation   EventType = "IAM - AD User Activation"
	ADDeactivation EventType = "IAM - AD User Deactivation"
	// SyncUser is a review incident: a human decides what to do.
	SyncUser EventType = "IAM - Sync User"
)

// Incident types raised by App Sync from the Okta System Log (SPEC §2).
const (
	AppAdd    EventType = "IAM - App Add"
	AppRemove EventType = "IAM - App Remove"
	AppUpdate EventType = "IAM - App Update"
)

// Event is one incident to start.
type Event struct {
	Type       EventType `json:"type"`
	EmployeeID string    `json:"employee_id"`
	Email      string    `json:"email"`
	Details    string    `json:"details"`
	// ChangedFields are the changed profile fields, keyed by field key, on updates, rehires
	// and the review events raised instead of them.
	ChangedFields map[string]profile.Change `json:"changed_fields,omitempty"`
	// Row is the 1-based report row; 0 for orphans.
	Row int `json:"-"`
	// Intended is, for a SyncUser raised by a display-name collision, the type the event
	// would have had.
	Intended EventType `json:"-"`
	// Profile is the profile as it should be stored once the incident succeeded.
	Profile profile.Profile `json:"-"`
	// Scope lists the scoped targets the person is out of, enters or leaves (scope.go), in
	// the order of Settings.Scopes; a target whose scope the person stays in is not listed.
	Scope []ScopeStep `json:"scope,omitempty"`
}

// Row is one report row mapped to profile fields (dates in profile.DateLayout).
type Row struct {
	// Number is the 1-based row number in the report.
	Number int
	Fields profile.Fields
	// Err is the mapping error of this row, if any. The row still counts as seen for
	// whatever employee id and email did map.
	Err error
}

// RowError is a report row that raised nothing because its input is unusable.
type RowError struct {
	Row        int
	EmployeeID string
	Email      string
	// Field is the profile field key at fault, when one is.
	Field  string
	Reason string
}

func (e RowError) Error() string {
	switch {
	case e.EmployeeID != "":
		return fmt.Sprintf("row %d (employee %s): %s", e.Row, e.EmployeeID, e.Reason)
	case e.Email != "":
		return fmt.Sprintf("row %d (email %s): %s", e.Row, e.Email, e.Reason)
	default:
		return fmt.Sprintf("row %d: %s", e.Row, e.Reason)
	}
}

// Settings are the Workday instance's parameters that detection depends on.
type Settings struct {
	// Instance names the connector instance; it becomes a profile's source of truth.
	Instance string
	// SourcePriority ranks the instance among HR sources; lower wins, 0 counts as 1.
	SourcePriority int
	// DeactivationDateField is profile.TerminationDate (the default) or
	// profile.LastDayOfWork; the config spellings termination_date and last_day_of_work are
	// accepted too.
	DeactivationDateField string
	// DaysBeforeHireToSync: nil = no limit, 0 = on the hire date.
	DaysBeforeHireToSync *int
	// DaysBeforeHireToEnableAD: nil = immediately.
	DaysBeforeHireToEnableAD *int
	Guard                    Guard
	// MaxFieldBytes bounds one mapped field value and MaxRowBytes a mapped row's keys and
	// values together; 0 is DefaultMaxFieldBytes, DefaultMaxRowBytes. A row beyond them is a
	// row error: its person counts as present, and nothing is raised for them.
	MaxFieldBytes int
	MaxRowBytes   int
	// InitialSyncMaxRowErrorPercent is the share of invalid rows beyond which an initial
	// sync is refused; 0 allows none.
	InitialSyncMaxRowErrorPercent float64
	// Scopes are the provisioning targets' scopes (scope.go), in config order.
	Scopes []TargetScope
}

// Guard bounds what one poll may do to people (SPEC §1, mass-change guard): a truncated or
// re-keyed report must never disable the company, nor hand everyone new credentials. There is
// no unset bound: a zero Limit allows no event of its kind, and only Disabled turns the guard
// off, so that forgetting a key never means "no guard". The config supplies the defaults.
type Guard struct {
	Disabled bool
	// AccessRemovals bounds the events that take access away: terminations, AD deactivations,
	// orphan reviews and updates that disable an account on leaving a target's scope.
	AccessRemovals Limit
	// CredentialGrants bounds the events that create accounts or set passwords: new hires,
	// AD activations, rehires and updates that enter a target's scope.
	CredentialGrants Limit
}

// Limit is one bound of the guard: more than Max people, or more than MaxPercent of the
// active people, trips it, whichever comes first. With no active people there is no share to
// take, and Max alone bounds.
type Limit struct {
	Max        int
	MaxPercent float64
}

// GuardVerdict says whether a poll trips the mass-change guard, and on what counts. The
// counts are made whether or not the guard is disabled.
type GuardVerdict struct {
	Tripped  bool
	Reason   string
	Disabled bool
	Counts   GuardCounts
	// Active is the number of stored profiles that count as active.
	Active int
}

// Result is everything one report means.
type Result struct {
	// Events are ordered by employee id, then type.
	Events []Event
	// Errors are ordered by row.
	Errors []RowError
	Guard  GuardVerdict
	// Digest identifies the events exactly (see PlanDigest): an operator accepts a plan that
	// trips the guard by its digest.
	Digest string
	// Seen is the number of report rows read, errors included.
	Seen int
}
