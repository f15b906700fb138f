//go:build integration

package integration

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors/okta"
	oktastandin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	scimstandin "github.com/ilm-dev/ilm/internal/testing/standin/scim"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/workflows"
)

// oktaToken is the stand-in's API token, which no workflow history may hold.
const oktaToken = "it-okta-token-never-in-history"

// oktaWorld is the Okta stand-in the harness's worker talks to through the real connector,
// configured as instance "okta" with query_only_mapped_apps.
type oktaWorld struct {
	org    *oktastandin.Server
	client *okta.Client
}

// withOkta adds the Okta org to the harness: as App Sync's source and, when asTarget, as a
// provisioning target of the Workday flows next to testapp.
func withOkta(t *testing.T, w *oktaWorld, asTarget bool) harnessOption {
	return func(cfg *config.Config, acts *activities.Activities) {
		w.org = oktastandin.New(oktastandin.Config{Token: oktaToken})
		srv := oktastandin.Start(t, w.org)
		doc, err := config.Parse([]byte(`
instances:
  - {name: okta, type: okta, org_url: "` + srv.URL + `", token_env: UNUSED, query_only_mapped_apps: true, first_fetch: 1h}
`))
		require.NoError(t, err)
		cfg.Instances = append(cfg.Instances, doc.Instances...)
		out, err := mappers.Stock("okta-outgoing")
		require.NoError(t, err)
		in, err := mappers.Stock("okta-incoming")
		require.NoError(t, err)
		w.client, err = okta.New(t.Context(), okta.Config{Instance: "okta", OrgURL: srv.URL, Token: oktaToken,
			HTTPClient: srv.Client(), Mapper: out, Operations: okta.Operations{Create: true, Update: true, Enable: true, Disable: true}})
		require.NoError(t, err)
		acts.Okta = map[string]activities.OktaOrg{"okta": {Client: w.client, Incoming: in}}
		if asTarget {
			acts.Targets["okta"] = w.client
			tg := &cfg.Provisioning.Targets
			tg.Create, tg.Update, tg.Disable = append(tg.Create, "okta"), append(tg.Update, "okta"), append(tg.Disable, "okta")
		}
	}
}

// mapApp adds an app to the org and maps it, as "github", to the instance. The harness's
// testapp creates missing accounts, as an app instance with create_if_not_exists does.
func (w *oktaWorld) mapApp(h *harness, label, instance string) oktastandin.App {
	h.t.Helper()
	h.target.CreateIfNotExists = true
	app := w.org.AddApp("github_emu", label)
	require.NoError(h.t, h.store.SetAppMap(h.ctx, "okta", []store.AppMapping{
		{ApplicationID: app.ID, Name: "github", Label: label, Instance: instance}}))
	return app
}

// person creates the active Okta user of the harness's person n, with more profile attributes.
func (w *oktaWorld) person(h *harness, n int, email string, more map[string]any) oktastandin.User {
	h.t.Helper()
	attrs := map[string]any{"login": email, "email": email, "firstName": "Person", "lastName": h.id(n), "employeeNumber": h.id(n)}
	maps.Copy(attrs, more)
	u, err := w.org.CreateUser(attrs, true)
	require.NoError(h.t, err)
	return u
}

// oktaPoll runs one OktaLogPoll (without a cursor: it goes on from the stored one).
func (h *harness) oktaPoll() activities.OktaPollReport {
	h.t.Helper()
	run, err := h.client.ExecuteWorkflow(h.ctx, client.StartWorkflowOptions{
		ID:        fmt.Sprintf("poll-okta-%s%d", h.prefix, time.Now().UnixNano()),
		TaskQueue: h.cfg.Temporal.TaskQueue,
	}, workflows.OktaLogPoll, activities.OktaPollRequest{Instance: "okta"})
	require.NoError(h.t, err)
	var rep activities.OktaPollReport
	require.NoError(h.t, run.Get(h.ctx, &rep))
	assert.NotContains(h.t, h.historyText(run.GetID()), oktaToken, "no API token in the poll's history")
	return rep
}

// appIncidents polls once and returns the results of the App workflows it started, in order.
func (h *harness) appIncidents(want int) []workflows.IncidentResult {
	h.t.Helper()
	rep := h.oktaPoll()
	require.Equal(h.t, want, rep.Started, "%+v", rep)
	var out []workflows.IncidentResult
	for _, inc := range rep.Incidents {
		var res workflows.IncidentResult
		require.NoError(h.t, h.client.GetWorkflow(h.ctx, inc.WorkflowID, "").Get(h.ctx, &res))
		out = append(out, res)
		assert.NotContains(h.t, h.historyText(inc.WorkflowID), oktaToken, "no API token in workflow history")
		assert.Equal(h.t, map[enums.EventType]int{enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: 1}, taskCounts(h.history(inc.WorkflowID)),
			"%s: resolving, the target calls and recording run in one workflow task", inc.WorkflowID)
	}
	return out
}

// taskCounts counts a history's completed workflow tasks and scheduled activities.
func taskCounts(events []*historypb.HistoryEvent) map[enums.EventType]int {
	n := map[enums.EventType]int{}
	for _, ev := range events {
		if t := ev.GetEventType(); t == enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || t == enums.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED {
			n[t]++
		}
	}
	return n
}

// Assigning a mapped app in Okta provisions the person in the app's instance within one
// poll; unassigning disables them; an Okta profile change reaches the app; replayed and
// out-of-order events change nothing twice.
func TestAppSyncOnTheDevServer(t *testing.T) {
	var w oktaWorld
	h := newHarness(t, withOkta(t, &w, false))
	github := w.mapApp(h, "GitHub", "testapp")
	email := strings.ToLower(fmt.Sprintf("ada.%s@example.com", h.prefix))
	ada := w.person(h, 1, email, map[string]any{"title": "Analyst"})
	require.NoError(t, h.store.SaveProfile(h.ctx, profile.Profile{Fields: profile.Fields{
		profile.EmployeeID: h.id(1), profile.Email: email, profile.Username: email, profile.GivenName: "Ada",
		profile.Surname: "Lovelace", profile.EmploymentStatus: "Active", profile.Title: "Analyst"}, ADStatus: profile.ADEnabled},
		store.Record{Actor: "test"}))
	assert.Equal(t, 0, h.oktaPoll().Started, "nothing happened in Okta yet")

	_, err := w.org.Assign(github.ID, ada.ID)
	require.NoError(t, err)
	add := h.appIncidents(1)[0]
	assert.Equal(t, lifecycle.AppAdd, add.Type)
	assert.Equal(t, h.id(1), add.EmployeeID)
	acct, ok := h.target.Account(h.id(1))
	require.True(t, ok, "the account exists in the app's instance")
	assert.True(t, acct.Active)
	assert.Equal(t, []string{"github"}, h.profile(1).Applications)
	assert.Equal(t, 1, h.count(fmt.Sprintf(`EmployeeID = %q AND IncidentType = "IAM - App Add"`, h.id(1)), 1))

	require.NoError(t, w.org.Unassign(github.ID, ada.ID))
	remove := h.appIncidents(1)[0]
	assert.Equal(t, lifecycle.AppRemove, remove.Type)
	acct, _ = h.target.Account(h.id(1))
	assert.False(t, acct.Active, "unassigned: disabled")
	assert.Equal(t, []string{}, h.profile(1).Applications)

	_, err = w.org.Assign(github.ID, ada.ID)
	require.NoError(t, err)
	require.NoError(t, w.org.UpdateProfile(ada.ID, map[string]any{"title": "Lead Analyst"}))
	results := h.appIncidents(2)
	assert.Equal(t, lifecycle.AppAdd, results[0].Type)
	assert.Equal(t, lifecycle.AppUpdate, results[1].Type)
	acct, _ = h.target.Account(h.id(1))
	assert.True(t, acct.Active)
	assert.Equal(t, "Lead Analyst", acct.Fields[profile.Title], "Okta's change reached the app")

	// Okta delivers every event again, and a remove from before the re-add arrives late,
	// under a uuid of its own: the duplicates start nothing, the stale remove changes nothing.
	calls := len(h.target.Calls())
	events := w.org.Events()
	var late oktastandin.LogEvent
	for _, e := range events {
		if e["eventType"] == okta.EventAppUserRemove {
			late = maps.Clone(e)
		}
	}
	require.NotNil(t, late)
	late["uuid"] = "late-" + h.prefix
	w.org.AppendEvents(append(events, late)...)
	rep := h.oktaPoll()
	require.Equal(t, 1, rep.Started, "only the late remove is new: %+v", rep)
	assert.GreaterOrEqual(t, rep.Duplicates, 4)
	var stale workflows.IncidentResult
	require.NoError(t, h.client.GetWorkflow(h.ctx, rep.Incidents[0].WorkflowID, "").Get(h.ctx, &stale))
	assert.Equal(t, lifecycle.AppRemove, stale.Type)
	assert.Contains(t, stale.Skipped, "stale event: the user is assigned to GitHub again")
	assert.Equal(t, calls, len(h.target.Calls()), "neither the replays nor the stale event called the target")
	acct, _ = h.target.Account(h.id(1))
	assert.True(t, acct.Active)
	assert.Equal(t, []string{"github"}, h.profile(1).Applications)
}

// An App Add for a person HR marks terminated ends as skipped and leaves the account off.
func TestAppAddNeverEnablesATerminatedPerson(t *testing.T) {
	var w oktaWorld
	h := newHarness(t, withOkta(t, &w, false))
	github := w.mapApp(h, "GitHub", "testapp")
	email := strings.ToLower(fmt.Sprintf("gone.%s@example.com", h.prefix))
	gone := w.person(h, 2, email, nil)
	require.NoError(t, h.store.SaveProfile(h.ctx, profile.Profile{Fields: profile.Fields{
		profile.EmployeeID: h.id(2), profile.Email: email, profile.EmploymentStatus: "Terminated"}, ADStatus: profile.ADDisabled},
		store.Record{Actor: "test"}))

	_, err := w.org.Assign(github.ID, gone.ID)
	require.NoError(t, err)
	res := h.appIncidents(1)[0]
	assert.Contains(t, res.Skipped, "terminated")
	_, ok := h.target.Account(h.id(2))
	assert.False(t, ok, "no account was created or enabled")
}

// Okta as a provisioning target of the Workday flows: a new hire is created and activated,
// an update reaches the Okta profile, a termination deactivates, a rehire reactivates.
func TestOktaAsAWorkdayTarget(t *testing.T) {
	var w oktaWorld
	h := newHarness(t, withOkta(t, &w, true))
	email := strings.ToLower(fmt.Sprintf("p.%s1@example.com", h.prefix))
	oktaUser := func() oktastandin.User {
		u, ok := w.org.User(email)
		require.True(t, ok, "Okta user %s", email)
		return u
	}

	h.setReport(h.person(1, "2026-10-01"))
	h.incident(day1, 1)
	assert.Equal(t, okta.StatusActive, oktaUser().Status)
	assert.Equal(t, h.id(1), oktaUser().Profile["employeeNumber"])

	moved := h.person(1, "2026-10-01")
	moved["Title"] = "Account Executive"
	h.setReport(moved)
	h.incident(day1, 1) // AD activation window: nothing for Okta yet
	upd := h.incident(day1, 1)
	assert.Equal(t, lifecycle.UpdateUser, upd.Type)
	assert.Equal(t, "Account Executive", oktaUser().Profile["title"])

	gone := h.person(1, "2026-10-01")
	gone["Title"] = "Account Executive"
	gone["Employment_Status"] = "Terminated"
	gone["Termination_Date"] = "2026-11-01"
	h.setReport(gone)
	term := h.incident(day1, 1)
	assert.Equal(t, lifecycle.TerminateUser, term.Type)
	assert.Equal(t, okta.StatusDeprovisioned, oktaUser().Status)

	back := h.person(1, "2026-12-02")
	back["Title"] = "Account Executive"
	back["Prehire_Flag"] = "True"
	back["Rehired_Employee"] = "Yes"
	h.setReport(back)
	rehire := h.incident(day1, 1)
	assert.Equal(t, lifecycle.RehireUser, rehire.Type)
	assert.Equal(t, okta.StatusActive, oktaUser().Status)
}

// App Sync into a SCIM app (GitHub's dialect), as Okta's own provisioning does it: an
// assignment creates the user there, a profile change updates it, an unassignment
// deactivates it (active=false, never GitHub's irreversible DELETE), a reassignment
// reactivates it. GitHub's users have no enterprise extension (stand-ins.md §4.5) and the
// app refuses what it does not declare, so the stock mapper's department is left out of
// every write that maps the profile, which says so, and none of them fails for it (the
// deactivation sends active alone).
func TestAppSyncProvisionsAGitHubSCIMApp(t *testing.T) {
	var w oktaWorld
	gh := scimstandin.New(scimstandin.Config{Vendor: scimstandin.GitHub, Token: "it-gh", Strict: true, NoEnterpriseExtension: true})
	srv := scimstandin.Start(t, gh)
	t.Setenv("ILM_IT_GH_TOKEN", "it-gh")
	path := filepath.Join(t.TempDir(), "github.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
instances:
  - {name: github, type: scim, vendor: github, base_url: "`+gh.BaseURL(srv.URL)+`", token_env: ILM_IT_GH_TOKEN, create_if_not_exists: true}
`), 0o600))
	h := newHarness(t, withOkta(t, &w, false), withTargetsFromConfig(t, path))
	app := w.mapApp(h, "GitHub EMU", "github")
	email := strings.ToLower(fmt.Sprintf("grace.%s@example.com", h.prefix))
	grace := w.person(h, 1, email, map[string]any{"title": "Engineer", "department": "Platform"})
	const department = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
	warnsOfDepartment := func(what string, inc workflows.IncidentResult) {
		t.Helper()
		require.Len(t, inc.Results, 1, "%s: %+v", what, inc)
		require.Len(t, inc.Results[0].Warnings, 1, "%s: %+v", what, inc.Results[0])
		assert.Contains(t, inc.Results[0].Warnings[0], department, what)
		assert.Empty(t, inc.Reviews, what)
	}

	_, err := w.org.Assign(app.ID, grace.ID)
	require.NoError(t, err)
	add := h.appIncidents(1)[0]
	warnsOfDepartment("App Add", add)
	u, ok := gh.User(email)
	require.True(t, ok, "created in GitHub")
	assert.Equal(t, true, u["active"])
	assert.Equal(t, h.id(1), u["externalId"])
	assert.Equal(t, "Engineer", u["title"])

	require.NoError(t, w.org.UpdateProfile(grace.ID, map[string]any{"title": "Staff Engineer", "department": "Infrastructure"}))
	upd := h.appIncidents(1)[0]
	assert.Equal(t, lifecycle.AppUpdate, upd.Type)
	warnsOfDepartment("App Update", upd)
	u, _ = gh.User(email)
	assert.Equal(t, "Staff Engineer", u["title"], "Okta's change reached GitHub")

	require.NoError(t, w.org.Unassign(app.ID, grace.ID))
	remove := h.appIncidents(1)[0]
	require.Len(t, remove.Results, 1, "App Remove: %+v", remove)
	assert.Empty(t, remove.Results[0].Warnings, "App Remove sends active alone, nothing GitHub lacks")
	assert.Empty(t, remove.Reviews)
	u, _ = gh.User(email)
	assert.Equal(t, false, u["active"], "soft-deprovisioned")

	_, err = w.org.Assign(app.ID, grace.ID)
	require.NoError(t, err)
	warnsOfDepartment("App Add again", h.appIncidents(1)[0])
	u, _ = gh.User(email)
	assert.Equal(t, true, u["active"], "reactivated")
	discovery := 0
	for _, r := range gh.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/Schemas") {
			discovery++
		}
	}
	assert.Equal(t, 1, discovery, "the worker's instance discovered the app's schemas once, for all four incidents")
	assert.Empty(t, gh.Deleted(), "never DELETE on GitHub")
	assert.Len(t, gh.Users(), 1)
}
