package activities

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
)

// The incident carries the targets as the config names them when the poll plans it, and
// which of them are Active Directory; the workflow decides what to do with them.
func TestNewIncidentSnapshotsTheTargets(t *testing.T) {
	t.Setenv("TEST_AD_PASSWORD", "unused")
	cfg, err := config.Parse([]byte(`
instances:
  - {name: workday, type: workday, report_url: "file:report.json"}
  - {name: ad, type: active_directory, url: "ldaps://127.0.0.1:636", bind_dn: "Administrator@EXAMPLE.TEST",
     bind_password_env: TEST_AD_PASSWORD, base_dn: "DC=example,DC=test", insecure_skip_verify: true}
  - {name: ad2, type: active_directory, url: "ldaps://127.0.0.2:636", bind_dn: "Administrator@EXAMPLE.TEST",
     bind_password_env: TEST_AD_PASSWORD, base_dn: "DC=example,DC=test", insecure_skip_verify: true}
  - {name: apps, type: scim, base_url: "https://apps.example.com/scim/v2", token_env: TEST_AD_PASSWORD}
provisioning:
  targets: {create: [ad], update: [ad, ad2, apps], disable: [apps, ad]}
`))
	require.NoError(t, err)
	in := NewIncident(cfg, "workday", lifecycle.Event{Type: lifecycle.TerminateUser, EmployeeID: "1001"})
	want := Targets{Create: []string{"ad"}, Update: []string{"ad", "ad2", "apps"}, Disable: []string{"apps", "ad"},
		ActiveDirectory: []string{"ad", "ad2"}}
	assert.Equal(t, want, in.Targets)

	cfg.Provisioning.Targets.Disable[0] = "ad2"
	assert.Equal(t, want, in.Targets, "a config change does not reach a planned incident")
}

// The scoped targets an event sets apart leave the create, update and disable lists, and
// the snapshot says what happens to each: here github is left, ad entered (a create target,
// so a missing account is created), and apps out of scope.
func TestNewIncidentSetsScopedTargetsApart(t *testing.T) {
	cfg := &config.Config{Instances: []config.Instance{{Name: "ad", Type: config.TypeActiveDirectory, ActiveDirectory: &config.ActiveDirectory{}}}}
	cfg.Provisioning.Targets = config.Targets{Create: []string{"ad", "okta", "github"}, Update: []string{"ad", "okta", "github", "apps"}, Disable: []string{"github", "okta", "ad", "apps"}}
	ev := lifecycle.Event{Type: lifecycle.UpdateUser, EmployeeID: "1001", Scope: []lifecycle.ScopeStep{
		{Instance: "github", Move: lifecycle.ScopeExitDisable, Scope: "s1"},
		{Instance: "ad", Move: lifecycle.ScopeEnter, Scope: "s2"},
		{Instance: "apps", Move: lifecycle.ScopeOut, Scope: "s3"},
	}}
	in := NewIncident(cfg, "workday", ev)
	assert.Equal(t, Targets{
		Create: []string{"okta"}, Update: []string{"okta"}, Disable: []string{"okta"},
		ActiveDirectory: []string{"ad"},
		Scope: []ScopeStep{
			{Instance: "github", Move: lifecycle.ScopeExitDisable, Scope: "s1", Create: true},
			{Instance: "ad", Move: lifecycle.ScopeEnter, Scope: "s2", Create: true},
			{Instance: "apps", Move: lifecycle.ScopeOut, Scope: "s3"},
		},
	}, in.Targets)
	assert.Equal(t, []string{"github", "okta", "ad", "apps"}, cfg.Provisioning.Targets.Disable, "the config's lists are not changed")
}

// An incident carries each field value once: a changed field's new value is the profile's,
// so changed_fields keeps only the old one; a review that carries the stored profile keeps
// the new one too, as the profile does not hold it.
func TestIncidentCarriesNewValuesOnce(t *testing.T) {
	cfg := &config.Config{}
	update := lifecycle.Event{
		Type: lifecycle.UpdateUser, EmployeeID: "1001",
		ChangedFields: map[string]profile.Change{
			profile.Department: {Old: "Sales", New: "Engineering"},
			profile.Title:      {Old: "Rep", New: ""},
		},
		Profile: profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001", profile.Department: "Engineering"}},
	}
	in := NewIncident(cfg, "workday", update)
	assert.Equal(t, map[string]ChangedField{profile.Department: {Old: "Sales"}, profile.Title: {Old: "Rep"}}, in.ChangedFields)
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"changed_fields":{"department":{"old":"Sales"},"title":{"old":"Rep"}}`)
	assert.Equal(t, 1, strings.Count(string(b), "Engineering"))

	review := update
	review.Type, review.Intended = lifecycle.SyncUser, lifecycle.UpdateUser
	review.Profile.Fields = profile.Fields{profile.EmployeeID: "1001", profile.Department: "Sales", profile.Title: "Rep"}
	in = NewIncident(cfg, "workday", review)
	assert.Equal(t, map[string]ChangedField{profile.Department: {Old: "Sales", New: "Engineering"}, profile.Title: {Old: "Rep"}}, in.ChangedFields)
}

// A row at the largest bounds the config allows, every value of it changed, makes an update
// incident well under Temporal's 2 MB payload limit: the input holds the new fields, the
// previous ones and the changed fields' old values, and details that quote values clipped.
func TestLargestUpdateIncidentFitsThePayloadLimit(t *testing.T) {
	const fieldBytes = 4000
	old, changed := profile.Fields{}, profile.Fields{}
	for k, v := range map[string]string{profile.EmployeeID: "1001", profile.Email: "p1001@example.com",
		profile.HireDate: "2020-03-02", profile.EmploymentStatus: profile.StatusActive} {
		old[k], changed[k] = v, v
	}
	for i := range config.MaxRowBytesLimit/(fieldBytes+8) - 1 {
		k := fmt.Sprintf("extra%03d", i)
		old[k], changed[k] = strings.Repeat("o", fieldBytes), strings.Repeat("é", fieldBytes/2)
	}
	stored := profile.Profile{Fields: old, ADStatus: profile.ADEnabled, SourcePriority: 1}
	s := lifecycle.Settings{Instance: "workday", MaxFieldBytes: fieldBytes, MaxRowBytes: config.MaxRowBytesLimit}
	d := lifecycle.NewDetector([]profile.Summary{stored.Summary()}, func(int) (profile.Profile, error) { return stored, nil },
		nil, s, time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	require.NoError(t, d.Add(lifecycle.Row{Number: 1, Fields: changed}))
	res, err := d.Finish()
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	require.Len(t, res.Events, 1)
	require.Equal(t, lifecycle.UpdateUser, res.Events[0].Type)

	b, err := json.Marshal(NewIncident(&config.Config{}, "workday", res.Events[0]))
	require.NoError(t, err)
	assert.Less(t, len(b), 1<<20, "the incident input is %d bytes", len(b))
}
