package activities

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
)

// appStarter records the App workflows a poll starts and, as Temporal does with the
// workflow id app/<uuid>, refuses a second start of the same event.
type appStarter struct {
	IncidentStarter
	mu      sync.Mutex
	started []AppEvent
	seen    map[string]bool
}

func (s *appStarter) StartApp(_ context.Context, ev AppEvent) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[ev.UUID] {
		return "app/" + ev.UUID, false, nil
	}
	s.seen[ev.UUID] = true
	s.started = append(s.started, ev)
	return "app/" + ev.UUID, true, nil
}

// appSync is App Sync's world: an Okta org with GitHub (mapped to the "github" target) and
// Jira (not mapped), Ada in Okta and in the store, and activities over them.
type appSync struct {
	t       *testing.T
	org     *standin.Server
	acts    *Activities
	starter *appStarter
	ada     okta.User
	github  standin.App
	jira    standin.App
}

func newAppSync(t *testing.T) *appSync {
	t.Helper()
	ctx := context.Background()
	s := standin.New(standin.Config{Token: "test-token"})
	srv := standin.Start(t, s)
	cfg, err := config.Parse([]byte(`
instances:
  - {name: okta, type: okta, org_url: "` + srv.URL + `", token_env: UNUSED, query_only_mapped_apps: true, first_fetch: 1h}
  - {name: ad, type: active_directory, url: "ldaps://127.0.0.1", bind_dn: "CN=ilm", bind_password_env: UNUSED, base_dn: "DC=example,DC=test"}
provisioning:
  review: {timeout: 1h}
`))
	require.NoError(t, err)
	out, err := mappers.Stock("okta-outgoing")
	require.NoError(t, err)
	in, err := mappers.Stock("okta-incoming")
	require.NoError(t, err)
	client, err := okta.New(ctx, okta.Config{Instance: "okta", OrgURL: srv.URL, Token: "test-token", HTTPClient: srv.Client(),
		Mapper: out, Operations: okta.Operations{Create: true, Update: true, Enable: true, Disable: true}})
	require.NoError(t, err)
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })

	w := &appSync{t: t, org: s, starter: &appStarter{seen: map[string]bool{}}}
	w.acts = &Activities{Config: cfg, Store: st, Starter: w.starter,
		Okta: map[string]OktaOrg{"okta": {Client: client, Incoming: in}}}
	w.github, w.jira = s.AddApp("github_emu", "GitHub"), s.AddApp("jira", "Jira")
	require.NoError(t, st.SetAppMap(ctx, "okta", []store.AppMapping{
		{ApplicationID: w.github.ID, Name: "github", Label: "GitHub", Instance: "github"}}))

	res, err := client.Create(ctx, adaLovelace())
	require.NoError(t, err)
	w.ada, err = client.GetUser(ctx, res.ID)
	require.NoError(t, err)
	stored := adaLovelace()
	stored.ADStatus = profile.ADEnabled
	require.NoError(t, st.SaveProfile(ctx, stored, store.Record{Actor: "test"}))
	return w
}

func adaLovelace() profile.Profile {
	return profile.Profile{Fields: profile.Fields{
		profile.EmployeeID: "1001", profile.Email: "ada@example.com", profile.Username: "ada@example.com",
		profile.GivenName: "Ada", profile.Surname: "Lovelace", profile.DisplayName: "Ada Lovelace",
		profile.EmploymentStatus: "Active", profile.Title: "Analyst",
	}}
}

func (w *appSync) poll(cursor *OktaCursor) OktaPollReport {
	w.t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(w.acts)
	v, err := env.ExecuteActivity(w.acts.PollOktaLog, OktaPollRequest{Instance: "okta", Cursor: cursor})
	require.NoError(w.t, err)
	var rep OktaPollReport
	require.NoError(w.t, v.Get(&rep))
	return rep
}

func (w *appSync) resolve(ev AppEvent) AppPlan {
	w.t.Helper()
	plan, err := w.acts.ResolveAppEvent(context.Background(), ev)
	require.NoError(w.t, err)
	return plan
}

func (w *appSync) event(t lifecycle.EventType, app standin.App) AppEvent {
	return AppEvent{Instance: "okta", UUID: "e-" + string(t), Type: t, UserID: w.ada.ID, Login: w.ada.Login, AppID: app.ID, AppLabel: app.Label}
}

// Only mapped apps' membership events are read (the filter comes from the app map), every
// profile update is, and nothing is started twice, across polls or for a redelivered event.
func TestPollStartsOneWorkflowPerMappedEvent(t *testing.T) {
	w := newAppSync(t)
	_, err := w.org.Assign(w.github.ID, w.ada.ID)
	require.NoError(t, err)
	_, err = w.org.Assign(w.jira.ID, w.ada.ID)
	require.NoError(t, err)
	require.NoError(t, w.org.UpdateProfile(w.ada.ID, map[string]any{"title": "Lead Analyst"}))

	first := w.poll(nil)
	assert.Equal(t, 2, first.Started, "%+v", first)
	assert.Equal(t, 0, first.Duplicates)
	require.Len(t, w.starter.started, 2)
	add, update := w.starter.started[0], w.starter.started[1]
	if add.Type != lifecycle.AppAdd {
		add, update = update, add // started concurrently: any order
	}
	require.Len(t, first.Incidents, 2)
	assert.Equal(t, lifecycle.AppAdd, first.Incidents[0].Type, "the report lists them in log order")
	assert.Equal(t, lifecycle.AppAdd, add.Type)
	assert.Equal(t, w.github.ID, add.AppID)
	assert.Equal(t, w.ada.ID, add.UserID)
	assert.Equal(t, lifecycle.AppUpdate, update.Type)
	assert.NotEmpty(t, first.Cursor.Next)

	again := w.poll(&first.Cursor)
	assert.Equal(t, 0, again.Events)
	assert.Equal(t, 0, again.Started)

	// Okta delivers the add again, and one event twice within a page.
	events := w.org.Events()
	w.org.AppendEvents(events[len(events)-1], events[len(events)-1])
	dup := w.poll(&again.Cursor)
	assert.Equal(t, 0, dup.Started)
	assert.Equal(t, 2, dup.Duplicates)

	// A poll without a cursor (a manual one) goes on from the stored cursor.
	manual := w.poll(nil)
	assert.Equal(t, 0, manual.Events)
}

// A new app map changes the filter: the poll reads again from the cursor's time with the new
// filter, so an assignment made before the app was mapped is acted on; nothing already
// started starts again.
func TestChangedAppMapReadsAgainWithTheNewFilter(t *testing.T) {
	w := newAppSync(t)
	_, err := w.org.Assign(w.jira.ID, w.ada.ID)
	require.NoError(t, err)
	first := w.poll(nil)
	assert.Equal(t, 0, first.Started)

	require.NoError(t, w.acts.Store.SetAppMap(context.Background(), "okta", []store.AppMapping{
		{ApplicationID: w.github.ID, Name: "github", Label: "GitHub", Instance: "github"},
		{ApplicationID: w.jira.ID, Name: "jira", Label: "Jira", Instance: "jira"}}))
	first.Cursor.Since = time.Now().Add(-time.Hour)
	second := w.poll(&first.Cursor)
	assert.Equal(t, 1, second.Started, "%+v", second)
	assert.Equal(t, w.jira.ID, w.starter.started[0].AppID)
	assert.Contains(t, second.Cursor.Filter, w.jira.ID)
}

func TestResolveAddChecksTheLiveAssignment(t *testing.T) {
	w := newAppSync(t)
	stale := w.resolve(w.event(lifecycle.AppAdd, w.github))
	assert.Equal(t, "stale event: the user is no longer assigned to GitHub", stale.Skip)

	_, err := w.org.Assign(w.github.ID, w.ada.ID)
	require.NoError(t, err)
	plan := w.resolve(w.event(lifecycle.AppAdd, w.github))
	assert.Empty(t, plan.Skip)
	assert.Equal(t, "1001", plan.Incident.EmployeeID)
	assert.Equal(t, []string{"github"}, plan.Instances)
	assert.Equal(t, connectors.UpdateOptions{AllowEnable: true}, plan.Options)
	assert.Equal(t, AppListChange{Add: "github"}, plan.Apps)

	removed := w.resolve(w.event(lifecycle.AppRemove, w.github))
	assert.Equal(t, "stale event: the user is assigned to GitHub again", removed.Skip)
	require.NoError(t, w.org.Unassign(w.github.ID, w.ada.ID))
	removed = w.resolve(w.event(lifecycle.AppRemove, w.github))
	assert.Empty(t, removed.Skip)
	assert.Equal(t, []string{"github"}, removed.Instances)
	assert.Equal(t, connectors.UpdateOptions{}, removed.Options)
	assert.True(t, removed.Apps.IsZero(), "the stored list has no github: nothing to record")
	require.NoError(t, w.acts.RecordApplications(context.Background(), ApplicationsRequest{EmployeeID: "1001", Apps: AppListChange{Add: "github"}}))
	removed = w.resolve(w.event(lifecycle.AppRemove, w.github))
	assert.Equal(t, AppListChange{Remove: "github"}, removed.Apps)

	unmapped := w.resolve(w.event(lifecycle.AppAdd, w.jira))
	assert.Contains(t, unmapped.Skip, "is not in the app map of okta")
}

// An AD account is enabled by AD Activation (with a password), never by an App Add before it.
// The plan carries the Email search attribute's value of the person, as the worker's
// EmailSearch makes it; without one, none.
func TestResolveGivesTheEmailSearchValue(t *testing.T) {
	w := newAppSync(t)
	assert.Empty(t, w.resolve(w.event(lifecycle.AppUpdate, w.github)).EmailSearch)
	w.acts.EmailSearch = func(email string) string { return "value of " + email }
	assert.Equal(t, "value of ada@example.com", w.resolve(w.event(lifecycle.AppUpdate, w.github)).EmailSearch)
}

func TestResolveAddEnablesADOnlyAfterActivation(t *testing.T) {
	w := newAppSync(t)
	ctx := context.Background()
	corp := w.org.AddApp("corp_ad", "Corp AD")
	require.NoError(t, w.acts.Store.SetAppMap(ctx, "okta", []store.AppMapping{
		{ApplicationID: corp.ID, Name: "corp-ad", Label: "Corp AD", Instance: "ad"}}))
	_, err := w.org.Assign(corp.ID, w.ada.ID)
	require.NoError(t, err)
	plan := w.resolve(w.event(lifecycle.AppAdd, corp))
	assert.True(t, plan.Options.AllowEnable, "Ada's AD account was activated")

	pending := adaLovelace()
	pending.ADStatus = profile.ADPending
	require.NoError(t, w.acts.Store.SaveProfile(ctx, pending, store.Record{Actor: "test"}))
	plan = w.resolve(w.event(lifecycle.AppAdd, corp))
	assert.Equal(t, []string{"ad"}, plan.Instances)
	assert.False(t, plan.Options.AllowEnable, "not activated yet: update only")
}

// An App Add never enables a person HR marks terminated.
func TestResolveAddSkipsATerminatedPerson(t *testing.T) {
	w := newAppSync(t)
	_, err := w.org.Assign(w.github.ID, w.ada.ID)
	require.NoError(t, err)
	gone := adaLovelace()
	gone.Fields[profile.EmploymentStatus] = "Terminated"
	gone.ADStatus = profile.ADDisabled
	require.NoError(t, w.acts.Store.SaveProfile(context.Background(), gone, store.Record{Actor: "test"}))

	plan := w.resolve(w.event(lifecycle.AppAdd, w.github))
	assert.Equal(t, "HR marks employee 1001 terminated: App Add does not enable the github account", plan.Skip)
	assert.Empty(t, plan.Instances)
}

// The app gets what Okta holds now over the stored profile; App Update reaches every mapped
// app the user has.
func TestResolveUpdateUsesOktasProfileAndTheMappedApps(t *testing.T) {
	w := newAppSync(t)
	_, err := w.org.Assign(w.github.ID, w.ada.ID)
	require.NoError(t, err)
	_, err = w.org.Assign(w.jira.ID, w.ada.ID)
	require.NoError(t, err)
	require.NoError(t, w.org.UpdateProfile(w.ada.ID, map[string]any{"title": "Lead Analyst"}))

	plan := w.resolve(w.event(lifecycle.AppUpdate, standin.App{}))
	assert.Empty(t, plan.Skip)
	assert.Equal(t, []string{"github"}, plan.Instances)
	assert.Equal(t, connectors.UpdateOptions{}, plan.Options)
	assert.Equal(t, "Lead Analyst", plan.Incident.Profile.Fields.Get(profile.Title))
	assert.Equal(t, "Active", plan.Incident.Profile.Fields.Get(profile.EmploymentStatus), "stored fields Okta lacks are kept")
	assert.Equal(t, AppListChange{Set: []string{"github"}}, plan.Apps)
}

func TestResolveWithoutAnEmployeeIDIsSkipped(t *testing.T) {
	w := newAppSync(t)
	stranger, err := w.org.CreateUser(map[string]any{"login": "guest@partner.example", "email": "guest@partner.example",
		"firstName": "Guest", "lastName": "User"}, true)
	require.NoError(t, err)
	plan := w.resolve(AppEvent{Instance: "okta", UUID: "e1", Type: lifecycle.AppUpdate, UserID: stranger.ID, Login: "guest@partner.example"})
	assert.Contains(t, plan.Skip, "has no employeeNumber and no ILM profile has that login")
}

func TestRecordApplicationsKeepsTheRestOfTheProfile(t *testing.T) {
	w := newAppSync(t)
	ctx := context.Background()
	require.NoError(t, w.acts.RecordApplications(ctx, ApplicationsRequest{EmployeeID: "1001", Apps: AppListChange{Add: "github"},
		WorkflowID: "app/e1", Type: lifecycle.AppAdd}))
	p, err := w.acts.Store.GetProfile(ctx, "1001")
	require.NoError(t, err)
	assert.Equal(t, []string{"github"}, p.Applications)
	assert.Equal(t, profile.ADEnabled, p.ADStatus)
	assert.Equal(t, "Analyst", p.Fields.Get(profile.Title))
	h, err := w.acts.Store.History(ctx, "1001")
	require.NoError(t, err)
	assert.Equal(t, "app/e1", h[len(h)-1].Incident)

	require.NoError(t, w.acts.RecordApplications(ctx, ApplicationsRequest{EmployeeID: "nobody", Apps: AppListChange{Add: "x"}}),
		"a person without a profile has nothing to record")
}

func TestMappedAppsFilter(t *testing.T) {
	assert.Equal(t, `eventType eq "user.account.update_profile"`, MappedAppsFilter(nil))
	assert.Equal(t, `eventType eq "user.account.update_profile" or ((eventType eq "application.user_membership.add" or eventType eq "application.user_membership.remove") and (target.id eq "0oa1" or target.id eq "0oa2"))`,
		MappedAppsFilter([]string{"0oa1", "0oa2"}))
}

// Writers of one profile keep each other's changes: App Adds recorded at once, then an HR
// update planned before them, whose profile still has the old app list, leave every app and
// the HR change in the store (a whole-profile write loses one or the other).
func TestConcurrentAppAddsAndAnHRUpdateKeepEveryChange(t *testing.T) {
	w := newAppSync(t)
	ctx := context.Background()
	planned, err := w.acts.Store.GetProfile(ctx, "1001")
	require.NoError(t, err)
	hr := planned.Clone()
	hr.Fields[profile.Title] = "Lead Analyst"

	apps := []string{"github", "jira", "slack", "zoom"}
	var wg sync.WaitGroup
	for i, app := range apps {
		wg.Go(func() {
			assert.NoError(t, w.acts.RecordApplications(ctx, ApplicationsRequest{EmployeeID: "1001",
				Apps: AppListChange{Add: app}, WorkflowID: fmt.Sprintf("app/e%d", i), Type: lifecycle.AppAdd}))
		})
	}
	wg.Wait()
	require.NoError(t, w.acts.CommitProfile(ctx, CommitRequest{Profile: hr, WorkflowID: "person/1001", Type: lifecycle.UpdateUser}))

	got, err := w.acts.Store.GetProfile(ctx, "1001")
	require.NoError(t, err)
	assert.Equal(t, apps, got.Applications, "every App Add kept")
	assert.Equal(t, "Lead Analyst", got.Fields.Get(profile.Title), "the HR change kept")
	assert.Equal(t, planned.Revision+int64(len(apps))+1, got.Revision)
}

func TestCheckPlannedRevision(t *testing.T) {
	w := newAppSync(t)
	ctx := context.Background()
	stored, err := w.acts.Store.GetProfile(ctx, "1001")
	require.NoError(t, err)
	require.Positive(t, stored.Revision)

	stale, err := w.acts.CheckPlannedRevision(ctx, RevisionCheck{EmployeeID: "1001", PlannedRevision: stored.Revision})
	require.NoError(t, err)
	assert.Empty(t, stale, "planned from the stored profile")

	require.NoError(t, w.acts.RecordApplications(ctx, ApplicationsRequest{EmployeeID: "1001", Apps: AppListChange{Add: "github"}}))
	stale, err = w.acts.CheckPlannedRevision(ctx, RevisionCheck{EmployeeID: "1001", PlannedRevision: stored.Revision})
	require.NoError(t, err)
	assert.Contains(t, stale, fmt.Sprintf("revision %d, now %d", stored.Revision, stored.Revision+1))

	stale, err = w.acts.CheckPlannedRevision(ctx, RevisionCheck{EmployeeID: "1001", PlannedRevision: 0})
	require.NoError(t, err)
	assert.Contains(t, stale, "stale", "a New Hire planned before the profile existed")
	stale, err = w.acts.CheckPlannedRevision(ctx, RevisionCheck{EmployeeID: "2002", PlannedRevision: 0})
	require.NoError(t, err)
	assert.Empty(t, stale, "a New Hire of someone still unknown")
}

// A poll that finds another poll of its instance running starts nothing and says which; the
// lease is the poll's own again on a retried attempt, and free once it ends.
func TestOnePollOfAnInstanceAtATime(t *testing.T) {
	w := newAppSync(t)
	ctx := context.Background()
	_, err := w.org.Assign(w.github.ID, w.ada.ID)
	require.NoError(t, err)
	now := time.Now()
	ok, _, err := w.acts.Store.LeasePoll(ctx, "okta", "poll-okta-manual/run-1", now, now.Add(time.Hour))
	require.NoError(t, err)
	require.True(t, ok)

	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(w.acts)
	_, err = env.ExecuteActivity(w.acts.PollOktaLog, OktaPollRequest{Instance: "okta"})
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, ErrTypePollRunning, appErr.Type())
	assert.True(t, appErr.NonRetryable())
	assert.Contains(t, appErr.Message(), "poll-okta-manual/run-1")
	assert.Empty(t, w.starter.seen, "nothing started")

	require.NoError(t, w.acts.Store.ReleasePoll(ctx, "okta", "poll-okta-manual/run-1"))
	rep := w.poll(nil)
	assert.Equal(t, 1, rep.Started)
	w.poll(nil) // the first poll released its lease
}
