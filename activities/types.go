package activities

import (
	"time"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/workday"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
)

// Incident is the input of every incident workflow: the detected event, the profile to store
// once the targets succeeded, and the provisioning targets as the config named them when the
// poll planned it. Each workflow decides which of them it calls, how and in what order. It
// carries one person's profile and never a report or a secret, and no field value twice
// over: it must stay under Temporal's payload limit.
type Incident struct {
	Instance   string              `json:"instance"`
	Type       lifecycle.EventType `json:"type"`
	EmployeeID string              `json:"employee_id"`
	Details    string              `json:"details"`
	// ChangedFields are the event's changed fields, keyed by field key (see ChangedField).
	ChangedFields map[string]ChangedField `json:"changed_fields,omitempty"`
	// Intended is, for a review incident raised by a collision, the event it would have been.
	Intended lifecycle.EventType `json:"intended,omitempty"`
	Profile  profile.Profile     `json:"profile"`
	// PlannedRevision is the revision of the stored profile the event was detected on (0:
	// none was stored). The incident acts only while it is still the stored one.
	PlannedRevision int64 `json:"planned_revision"`
	// Targets is a snapshot, so a config change never alters a running incident.
	Targets Targets `json:"targets"`
	// UniqueNames says a New Hire or Rehire reserves the person's unique account name before
	// its first write (provisioning.unique_names, when planned).
	UniqueNames bool         `json:"unique_names,omitempty"`
	Review      ReviewPolicy `json:"review"`
}

// ChangedField is one changed field of an incident: its old value, and its new value only
// when the incident's profile does not hold it (a review raised by a display-name collision
// carries the stored profile, for instance). Otherwise the new value is the profile's.
type ChangedField struct {
	Old string `json:"old"`
	New string `json:"new,omitempty"`
}

// Targets is provisioning.targets when the incident was planned: the instances each
// operation goes to, in the configured order.
type Targets struct {
	Create  []string `json:"create,omitempty"`
	Update  []string `json:"update,omitempty"`
	Disable []string `json:"disable,omitempty"`
	// ActiveDirectory names the Active Directory instances among them: their accounts are
	// created disabled and enabled only by AD Activation.
	ActiveDirectory []string `json:"active_directory,omitempty"`
	// Scope are the scoped targets the incident sets apart (lifecycle/scope.go): the person
	// is out of their scope, enters or leaves it. They are left out of Create, Update and
	// Disable, and the playbook does what each step says.
	Scope []ScopeStep `json:"scope,omitempty"`
}

// ScopeStep is one scoped target an incident sets apart, and what it does there.
type ScopeStep struct {
	Instance string              `json:"instance"`
	Move     lifecycle.ScopeMove `json:"move"`
	// Scope is the target's scope as written, for the result.
	Scope string `json:"scope"`
	// Create says that entering the scope creates a missing account: the target is a create
	// target (otherwise its create_if_not_exists decides).
	Create bool `json:"create,omitempty"`
}

// TargetCall is one connector operation on one instance.
type TargetCall struct {
	Instance  string                   `json:"instance"`
	Operation connectors.Operation     `json:"operation"`
	Options   connectors.UpdateOptions `json:"options,omitempty"`
}

// ReviewPolicy says who decides when an incident fails, and how long to wait for them.
type ReviewPolicy struct {
	Role       string        `json:"role,omitempty"`
	Method     string        `json:"method,omitempty"`
	OnCallOnly bool          `json:"on_call_only,omitempty"`
	Timeout    time.Duration `json:"timeout"`
}

// TargetRequest is the input of ProvisionTarget.
type TargetRequest struct {
	Call    TargetCall      `json:"call"`
	Profile profile.Profile `json:"profile"`
}

// CommitRequest is the input of CommitProfile.
type CommitRequest struct {
	Profile    profile.Profile     `json:"profile"`
	WorkflowID string              `json:"workflow_id"`
	Type       lifecycle.EventType `json:"type"`
}

// RevisionCheck is the input of CheckPlannedRevision.
type RevisionCheck struct {
	EmployeeID      string `json:"employee_id"`
	PlannedRevision int64  `json:"planned_revision"`
}

// ReviewerRequest is the input of AssignReviewer.
type ReviewerRequest struct {
	Policy     ReviewPolicy `json:"policy"`
	WorkflowID string       `json:"workflow_id"`
	// ReviewID names the review, unique among all reviews: a retried assignment of the same
	// review returns the reviewer it got the first time.
	ReviewID string `json:"review_id"`
}

// PollRequest is the input of PollWorkday.
type PollRequest struct {
	Instance string `json:"instance"`
	// Report, when set, is a report file on the worker read in place of the instance's
	// report_url for this poll (ilm poll --report). A URL is refused: the report's URL, and
	// so where the Workday credentials go, comes from the worker's config alone.
	Report string `json:"report,omitempty"`
	// Now, when set, is the poll's "today" (ilm poll --now).
	Now time.Time `json:"now,omitempty"`
	// AcceptPlan, when set, is the digest of a plan an operator accepted past the mass-change
	// guard (ilm poll --accept-plan): the poll runs that plan, or nothing if the plan changed.
	AcceptPlan string `json:"accept_plan,omitempty"`
	// ReportTimeout is the instance's timeout for reading its report (config `timeout`),
	// which the poll workflow sizes its activity by: the workflow reads no config. Zero
	// means DefaultReportTimeout.
	ReportTimeout time.Duration `json:"report_timeout,omitempty"`
}

// DefaultReportTimeout is an instance's report timeout when its config sets none.
const DefaultReportTimeout = workday.DefaultTimeout

// ReadTimeout is the request's ReportTimeout, or DefaultReportTimeout.
func (r PollRequest) ReadTimeout() time.Duration {
	if r.ReportTimeout <= 0 {
		return DefaultReportTimeout
	}
	return r.ReportTimeout
}

// PollReport says what one poll saw and did. It holds counts and a bounded list of started
// incidents, never report rows.
type PollReport struct {
	Instance       string   `json:"instance"`
	InitialSync    bool     `json:"initial_sync,omitempty"`
	Rows           int      `json:"rows"`
	Events         int      `json:"events"`
	Started        int      `json:"started"`
	AlreadyRunning int      `json:"already_running"`
	RowErrors      []string `json:"row_errors,omitempty"`
	ProfilesSynced int      `json:"profiles_synced,omitempty"`
	GuardTripped   bool     `json:"guard_tripped,omitempty"`
	GuardReason    string   `json:"guard_reason,omitempty"`
	// GuardCounts are the plan's events per type that the guard bounds.
	GuardCounts lifecycle.GuardCounts `json:"guard_counts"`
	// PlanDigest identifies the plan; ilm poll --accept-plan takes it.
	PlanDigest string `json:"plan_digest,omitempty"`
	// PlanAccepted says the poll ran an accepted plan, past the guard.
	PlanAccepted bool              `json:"plan_accepted,omitempty"`
	Incidents    []StartedIncident `json:"incidents,omitempty"`
	// More counts the started incidents left out of Incidents to keep the payload small.
	More int `json:"more,omitempty"`
	// Failed counts the incidents whose start failed; FailedStarts names the first
	// MaxListedFailures of them.
	Failed       int           `json:"failed,omitempty"`
	FailedStarts []FailedStart `json:"failed_starts,omitempty"`
}

// FailedStart names one incident a poll could not start, and why.
type FailedStart struct {
	Type       lifecycle.EventType `json:"type"`
	EmployeeID string              `json:"employee_id"`
	Error      string              `json:"error"`
}

// MaxListedFailures bounds PollReport.FailedStarts: each carries an error message, longer
// than a started incident's line.
const MaxListedFailures = 50

// StartedIncident names one incident a poll started.
type StartedIncident struct {
	Type       lifecycle.EventType `json:"type"`
	EmployeeID string              `json:"employee_id"`
	WorkflowID string              `json:"workflow_id"`
}

// MaxListedIncidents bounds PollReport.Incidents and RowErrors.
const MaxListedIncidents = 500
