package activities

import (
	"time"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
)

// OktaOrg is one Okta instance as App Sync uses it: the client, and the mapper that reads an
// Okta user profile back into profile fields.
type OktaOrg struct {
	Client   *okta.Client
	Incoming *mappers.Mapper
}

// OktaCursor is where a System Log poll stopped: Okta's next link, and the filter and time
// it was made for. A changed filter (the app map changed) restarts the read at Since with
// the new filter; events read twice are dropped by their workflow id.
type OktaCursor struct {
	Next   string    `json:"next,omitempty"`
	Filter string    `json:"filter"`
	Since  time.Time `json:"since"`
}

// OktaPollRequest is the input of OktaLogPoll and PollOktaLog.
type OktaPollRequest struct {
	Instance string `json:"instance"`
	// Cursor is where the last successful poll stopped; nil means the store's, or the first
	// poll (first_fetch back from now).
	Cursor *OktaCursor `json:"cursor,omitempty"`
}

// OktaPollReport says what one System Log poll read and started. It carries counts, the
// cursor and a bounded list of started workflows, never event payloads.
type OktaPollReport struct {
	Instance string     `json:"instance"`
	Cursor   OktaCursor `json:"cursor"`
	Pages    int        `json:"pages"`
	Events   int        `json:"events"`
	Started  int        `json:"started"`
	// Duplicates counts events dropped because their uuid was seen already.
	Duplicates int `json:"duplicates"`
	// Ignored counts events App Sync does not act on (other types, failures, unmapped apps).
	Ignored   int               `json:"ignored"`
	Incidents []StartedIncident `json:"incidents,omitempty"`
	More      int               `json:"more,omitempty"`
}

// AppEvent is one System Log event App Sync acts on: the input of AppAdd, AppRemove and
// AppUpdate. It holds Okta ids and the user's login, no profile.
type AppEvent struct {
	Instance  string              `json:"instance"`
	UUID      string              `json:"uuid"`
	Type      lifecycle.EventType `json:"type"`
	Published time.Time           `json:"published"`
	UserID    string              `json:"user_id"`
	Login     string              `json:"login"`
	AppID     string              `json:"app_id,omitempty"`
	AppLabel  string              `json:"app_label,omitempty"`
}

// AppPlan is what an App event comes to once Okta and the store were read: the person and
// the instances to call, or why there is nothing to do. The App workflows decide the
// operation: App Add updates, App Remove disables, App Update updates.
type AppPlan struct {
	// Incident is the person, the profile the instances get, and who reviews a failure.
	Incident Incident `json:"incident"`
	// Skip, when set, says why the event changes nothing (a stale event, an unmapped app,
	// a person HR marks terminated).
	Skip string `json:"skip,omitempty"`
	// Instances are the instances to call, in order: the app's (App Add, App Remove), or
	// those of the mapped apps Okta assigns the user (App Update).
	Instances []string `json:"instances,omitempty"`
	// Options are App Add's update options: whether it may enable the account, and create
	// it when missing.
	Options connectors.UpdateOptions `json:"options,omitempty"`
	// Apps is what the incident does to the person's app list once the calls succeeded;
	// the zero change (no stored profile, or nothing to change) records nothing.
	Apps AppListChange `json:"apps"`
	// EmailSearch is the value of the incident's Email search attribute (Activities.EmailSearch);
	// "" sets none.
	EmailSearch string `json:"email_search,omitempty"`
}

// AppListChange is what one App incident does to the person's app list
// (lifecycle.AppListChange).
type AppListChange = lifecycle.AppListChange

// ApplicationsRequest is the input of RecordApplications.
type ApplicationsRequest struct {
	EmployeeID string              `json:"employee_id"`
	Apps       AppListChange       `json:"apps"`
	WorkflowID string              `json:"workflow_id"`
	Type       lifecycle.EventType `json:"type"`
}
