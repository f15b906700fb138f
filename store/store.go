// Package store keeps what ILM knows between incidents: the profiles and their history, the
// pollers' state, the Okta application map, the reviewer rosters, the targets' circuit
// breakers and the reserved account names.
//
// The implementations live in subpackages (store/sqlite, store/postgres) and register a DSN
// scheme here, as database drivers do with database/sql; a program imports the ones it
// supports for their side effect and calls Open.
//
// Times are kept in UTC to the microsecond, the precision PostgreSQL keeps.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// ErrNotFound is returned, wrapped, when a profile does not exist.
var ErrNotFound = errors.New("not found")

// ErrNameTaken is returned, wrapped, when an account name is reserved for another person.
var ErrNameTaken = errors.New("account name reserved for another person")

// Record says who saved a profile, for which incident, and when. It becomes the history row.
type Record struct {
	Actor    string // the user or component that decided the change
	Incident string // the workflow id of the incident
	At       time.Time
}

// HistoryEntry is one save that changed a profile.
type HistoryEntry struct {
	EmployeeID string
	At         time.Time
	Actor      string
	Incident   string
	Changes    map[string]profile.Change // keyed by field key; see Changes
}

// PollState is where a poller of one source instance stands.
type PollState struct {
	Instance        string
	InitialSyncDone bool
	Cursor          string // opaque to the store; JSON by convention
	UpdatedAt       time.Time
}

// AppMapping maps one Okta application to the name and label ILM knows it by and the
// instance that provisions it.
type AppMapping struct {
	ApplicationID string `json:"application_id"`
	Name          string `json:"name"`
	Label         string `json:"label"`
	Instance      string `json:"instance"`
}

// Reviewer is one member of a role's roster of human reviewers.
type Reviewer struct {
	Role            string
	Username        string
	Email           string
	OnCall          bool
	OpenAssignments int
	LastAssignedAt  time.Time // zero when never assigned
}

// Assignment asks for the reviewer of one review.
type Assignment struct {
	// ReviewID is unique among every review ever assigned: assigning it again returns the
	// reviewer it was given.
	ReviewID string
	Role     string
	// WorkflowID is the incident under review, for operators reading the assignments.
	WorkflowID string
	At         time.Time // now when zero
}

// Store is ILM's persistent state. Implementations are safe for concurrent use.
type Store interface {
	// GetProfile returns the profile with the employee id, or an error matching ErrNotFound.
	GetProfile(ctx context.Context, employeeID string) (profile.Profile, error)
	// FindProfileByEmail returns the profile with the work email, compared
	// case-insensitively, or an error matching ErrNotFound. When several profiles share the
	// email, the one with the lowest employee id wins.
	FindProfileByEmail(ctx context.Context, email string) (profile.Profile, error)
	// ScanProfiles calls fn for every profile in employee id order, reading them in pages,
	// and stops at the first error fn returns, returning it. fn may use the store.
	ScanProfiles(ctx context.Context, fn func(profile.Profile) error) error
	// ScanSummaries calls fn for the summary of every profile in employee id order, as
	// ScanProfiles does, without decoding any profile's fields. A profile saved before the
	// store kept digests has the zero digest.
	ScanSummaries(ctx context.Context, fn func(profile.Summary) error) error
	// SaveProfile creates or replaces the profile with p's employee id and, when that
	// changes any field, adds a history row, in one transaction. UpdatedAt is set to rec.At
	// (now when zero) even when nothing changed.
	SaveProfile(ctx context.Context, p profile.Profile, rec Record) error
	// SaveProfiles saves many profiles as SaveProfile does, all in one transaction. A later
	// profile with the same employee id as an earlier one wins, and its history row records
	// the change from the earlier one.
	SaveProfiles(ctx context.Context, ps []profile.Profile, rec Record) error
	// UpdateProfile changes the stored profile of the employee id and saves it as SaveProfile
	// does, in one transaction that holds the person's lock: change gets the profile as
	// stored (found is false, and p the zero profile, when there is none) and changes it in
	// place, or returns an error, which saves nothing and is returned wrapped. A change that
	// changes nothing (store.Changes) writes nothing. It returns the profile as stored after. Writers that each change their own part of a profile (HR incidents
	// their fields, App Sync the app list) keep each other's changes.
	UpdateProfile(ctx context.Context, employeeID string, rec Record, change func(p *profile.Profile, found bool) error) (profile.Profile, error)
	// LeasePoll takes the poll lease of the instance for holder until the given time, when
	// it is free, expired at now, or holder's already; otherwise it returns false and the
	// holder that has it. One poll of an instance runs at a time.
	LeasePoll(ctx context.Context, instance, holder string, now, until time.Time) (ok bool, heldBy string, err error)
	// ReleasePoll gives up holder's poll lease of the instance; a lease holder no longer has
	// is left alone.
	ReleasePoll(ctx context.Context, instance, holder string) error
	// History returns the history rows of the employee id, oldest first.
	History(ctx context.Context, employeeID string) ([]HistoryEntry, error)
	// GetPollState returns the instance's poll state: the zero state, with Instance set,
	// when it has none.
	GetPollState(ctx context.Context, instance string) (PollState, error)
	// SetPollState stores the poll state of s.Instance. UpdatedAt is set to now when zero.
	SetPollState(ctx context.Context, s PollState) error
	// GetAppMap returns the application map of the Okta instance, ordered by application id.
	GetAppMap(ctx context.Context, oktaInstance string) ([]AppMapping, error)
	// SetAppMap replaces the whole application map of the Okta instance in one transaction.
	SetAppMap(ctx context.Context, oktaInstance string, m []AppMapping) error
	// ListReviewers returns the roster of the role, ordered by username.
	ListReviewers(ctx context.Context, role string) ([]Reviewer, error)
	// SetReviewers replaces the roster of the role in one transaction; the Role of each
	// reviewer is taken from role.
	SetReviewers(ctx context.Context, role string, rs []Reviewer) error
	// SetRoster replaces the members of the role's roster, as operators do, in one
	// transaction: a member who stays keeps their open assignments and last assignment
	// time, a new one starts at none; the counts in rs are ignored.
	SetRoster(ctx context.Context, role string, rs []Reviewer) error
	// AssignReviewer returns the reviewer of the review a.ReviewID, in one transaction: the
	// one it was given already, if any, else the member of a.Role's roster that pick
	// chooses, whose open assignments it counts up and whose last assignment time it sets to
	// a.At. pick gets the roster ordered by username and returns an index into it, or -1 for
	// nobody: then nothing is recorded and the zero Reviewer is returned.
	AssignReviewer(ctx context.Context, a Assignment, pick func([]Reviewer) int) (Reviewer, error)
	// ReleaseReviewer closes the assignment of the review, counting its reviewer's open
	// assignments down once however often it is called. A review never assigned is no error.
	ReleaseReviewer(ctx context.Context, reviewID string) error
	// AdmitCall says whether a call to the target instance may go at now: always while its
	// breaker is closed; while it is paused, only for the one caller that takes the probe
	// once it is due, which makes the next probe due probeEvery later.
	AdmitCall(ctx context.Context, instance string, now time.Time, probeEvery time.Duration) (Admission, error)
	// RecordCall counts a call's outcome in its instance's window and, in one transaction,
	// pauses the instance when the failures in the window pass the policy: tripped is true
	// for the one caller, of however many at once, whose call paused it. A probe that
	// succeeded closes the breaker and clears the window; one that failed keeps it paused.
	RecordCall(ctx context.Context, c CallOutcome, p BreakerPolicy) (tripped bool, err error)
	// ResumeTarget closes the instance's breaker and clears its window, as an operator does;
	// resumed says it was paused.
	ResumeTarget(ctx context.Context, instance string) (resumed bool, err error)
	// GetBreaker returns the breaker of the instance with its counts in the window ending at
	// now: a closed one with no counts when it has none.
	GetBreaker(ctx context.Context, instance string, now time.Time, window time.Duration) (BreakerState, error)
	// ReserveAccountName reserves name, lower-case, for the employee id, in one transaction,
	// and returns the name the person holds: name when it was free, or the name reserved for
	// them before (a retried or concurrent reservation of the same person gets that one back,
	// whatever name it asks for). When another person holds name it returns an error
	// matching ErrNameTaken and reserves nothing. Names are unique: of two people reserving
	// one name at once, exactly one gets it.
	ReserveAccountName(ctx context.Context, employeeID, name string, at time.Time) (string, error)
	// AccountNameHolder returns the employee id that holds name; "" when nobody does.
	AccountNameHolder(ctx context.Context, name string) (string, error)
	// ReservedAccountName returns the name the employee id holds; "" when none.
	ReservedAccountName(ctx context.Context, employeeID string) (string, error)
	// Close releases the store's connections.
	Close() error
}
