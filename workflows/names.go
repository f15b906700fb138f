// Package workflows holds ILM's Temporal workflows: one per incident type, each stating its
// playbook in its own file (newhire.go, termination.go, …), the pollers and the human-review
// helper. Workflows orchestrate activities and do no I/O.
package workflows

import (
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/lifecycle"
)

// Search attributes the Web UI filters incidents by. They hold opaque ids and types, never
// names; Email holds the person's email in clear only when payloads are not encrypted, else
// a keyed hash of it (codec.EmailSearch).
var (
	EmployeeIDKey   = temporal.NewSearchAttributeKeyKeyword("EmployeeID")
	EmailKey        = temporal.NewSearchAttributeKeyKeyword("Email")
	IncidentTypeKey = temporal.NewSearchAttributeKeyKeyword("IncidentType")
	InstanceKey     = temporal.NewSearchAttributeKeyKeyword("Instance")
	ReviewStateKey  = temporal.NewSearchAttributeKeyKeyword("ReviewState")
	ReviewerKey     = temporal.NewSearchAttributeKeyKeyword("Reviewer")
)

// emailSearchAttributeChange is the workflow.GetVersion change id of App incidents setting
// Email.
const emailSearchAttributeChange = "app-email-search-attribute"

// appLocalTargetCallChange is the workflow.GetVersion change id of App incidents calling
// their targets in local activities; incidents started before replay with activities.
const appLocalTargetCallChange = "app-local-target-call"

// SearchAttributes lists every key, for registration on the server.
var SearchAttributes = []temporal.SearchAttributeKeyKeyword{EmployeeIDKey, EmailKey, IncidentTypeKey, InstanceKey, ReviewStateKey, ReviewerKey}

// Review states shown in the ReviewState search attribute.
const (
	ReviewPending = "Pending"
	ReviewDecided = "Decided"
	ReviewExpired = "Expired"
	// ReviewCanceled: the incident was canceled while its review waited.
	ReviewCanceled = "Canceled"
)

// Message names.
const (
	// ReviewUpdate carries a reviewer's Decision to a waiting incident. It is an Update, not
	// a Signal: the incident refuses, to the sender, a decision that is not for its pending
	// review, where a signal would wait in the channel and decide the next failure.
	ReviewUpdate = "review"
	// ReviewQuery returns the incident's ReviewStatus, with the pending review's id.
	ReviewQuery = "review"
)

// PersonWorkflowID is the id of every Workday incident of one person: one at a time, in order,
// and the Web UI groups the person's history under it.
func PersonWorkflowID(employeeID string) string { return "person/" + employeeID }

// PersonWorkflowPrefix is what every PersonWorkflowID starts with.
const PersonWorkflowPrefix = "person/"

// AppWorkflowID is the id of the App workflow of one Okta System Log event: a duplicate
// delivery of the event finds the id taken and starts nothing.
func AppWorkflowID(eventUUID string) string { return "app/" + eventUUID }

// ScheduleID is the id of the Schedule that polls an instance.
func ScheduleID(instance string) string { return "poll-" + instance }

// ManualPollWorkflowID is the id of a poll run by `ilm poll`.
func ManualPollWorkflowID(instance string) string { return "poll-" + instance + "-manual" }

// workflowTypes maps each incident type to its workflow function.
var workflowTypes = map[lifecycle.EventType]any{
	lifecycle.NewHire:        NewHire,
	lifecycle.UpdateUser:     UpdateUser,
	lifecycle.TerminateUser:  Termination,
	lifecycle.RehireUser:     Rehire,
	lifecycle.ADActivation:   ADActivation,
	lifecycle.ADDeactivation: ADDeactivation,
	lifecycle.SyncUser:       SyncUserReview,
	lifecycle.AppAdd:         AppAdd,
	lifecycle.AppRemove:      AppRemove,
	lifecycle.AppUpdate:      AppUpdate,
}

// IncidentWorkflow returns the workflow function that handles an incident type.
func IncidentWorkflow(t lifecycle.EventType) (any, bool) {
	wf, ok := workflowTypes[t]
	return wf, ok
}
