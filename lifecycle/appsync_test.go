package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
)

// TestDecideAppEvent runs every App Sync rule on plain facts: the live assignment, the
// stored profile, the app map and what the config says of its instances.
func TestDecideAppEvent(t *testing.T) {
	appMap := []AppMapping{
		{ApplicationID: "0oa-gh", Name: "github", Label: "GitHub", Instance: "github", CreatesMissing: true},
		{ApplicationID: "0oa-ad", Name: "corp-ad", Label: "Corp AD", Instance: "ad", ActiveDirectory: true},
		{ApplicationID: "0oa-jira", Name: "jira", Label: "Jira", Instance: "atlassian"},
		{ApplicationID: "0oa-wiki", Name: "wiki", Label: "Wiki", Instance: "atlassian"},
	}
	stored := func(status profile.ADStatus, employment string, apps ...string) *profile.Profile {
		return &profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001", profile.EmploymentStatus: employment},
			ADStatus: status, Applications: apps}
	}
	active := stored(profile.ADEnabled, "Active")
	facts := func(typ EventType, appID string, assigned bool, p *profile.Profile) AppFacts {
		return AppFacts{Type: typ, Okta: "okta", Login: "ada@example.com", AppID: appID, AppLabel: "App", AppMap: appMap,
			Assigned: assigned, Stored: p}
	}
	update := func(p *profile.Profile, userApps ...string) AppFacts {
		f := facts(AppUpdate, "", false, p)
		f.UserApps = userApps
		return f
	}
	for _, tc := range []struct {
		name  string
		facts AppFacts
		want  AppDecision
	}{
		{"add updates and may enable, creating where configured", facts(AppAdd, "0oa-gh", true, active),
			AppDecision{Instances: []string{"github"}, AllowEnable: true, CreateIfMissing: true, Apps: AppListChange{Add: "github"},
				Details: "IAM - App Add: ada@example.com update in github"}},
		{"add of an app the list has already records nothing", facts(AppAdd, "0oa-gh", true, stored(profile.ADEnabled, "Active", "github")),
			AppDecision{Instances: []string{"github"}, AllowEnable: true, CreateIfMissing: true,
				Details: "IAM - App Add: ada@example.com update in github"}},
		{"add for a person with no profile records nothing", facts(AppAdd, "0oa-gh", true, nil),
			AppDecision{Instances: []string{"github"}, AllowEnable: true, CreateIfMissing: true,
				Details: "IAM - App Add: ada@example.com update in github"}},
		{"add no longer assigned is stale", facts(AppAdd, "0oa-gh", false, active),
			AppDecision{Skip: "stale event: the user is no longer assigned to GitHub"}},
		{"add of an unmapped app", facts(AppAdd, "0oa-slack", true, active),
			AppDecision{Skip: "app 0oa-slack (App) is not in the app map of okta"}},
		{"add never enables a person HR marks terminated", facts(AppAdd, "0oa-gh", true, stored(profile.ADEnabled, profile.StatusTerminated)),
			AppDecision{Skip: "HR marks employee 1001 terminated: App Add does not enable the github account"}},
		{"add never enables a person a termination disabled", facts(AppAdd, "0oa-gh", true, stored(profile.ADDisabled, "Active")),
			AppDecision{Skip: "employee 1001 was disabled by a termination: App Add does not enable the github account"}},
		{"add enables an activated AD account", facts(AppAdd, "0oa-ad", true, active),
			AppDecision{Instances: []string{"ad"}, AllowEnable: true, Apps: AppListChange{Add: "corp-ad"},
				Details: "IAM - App Add: ada@example.com update in ad"}},
		{"add only updates an AD account before activation", facts(AppAdd, "0oa-ad", true, stored(profile.ADPending, "Active")),
			AppDecision{Instances: []string{"ad"}, Apps: AppListChange{Add: "corp-ad"},
				Details: "IAM - App Add: ada@example.com update in ad"}},
		{"add only updates an AD account of a person with no profile", facts(AppAdd, "0oa-ad", true, nil),
			AppDecision{Instances: []string{"ad"}, Details: "IAM - App Add: ada@example.com update in ad"}},
		{"remove disables and records", facts(AppRemove, "0oa-gh", false, stored(profile.ADEnabled, "Active", "github", "jira")),
			AppDecision{Instances: []string{"github"}, Apps: AppListChange{Remove: "github"},
				Details: "IAM - App Remove: ada@example.com disable in github"}},
		{"remove of a person HR terminated still disables", facts(AppRemove, "0oa-gh", false, stored(profile.ADDisabled, profile.StatusTerminated)),
			AppDecision{Instances: []string{"github"}, Details: "IAM - App Remove: ada@example.com disable in github"}},
		{"remove assigned again is stale", facts(AppRemove, "0oa-gh", true, active),
			AppDecision{Skip: "stale event: the user is assigned to GitHub again"}},
		{"remove of an unmapped app", facts(AppRemove, "0oa-slack", false, active),
			AppDecision{Skip: "app 0oa-slack (App) is not in the app map of okta"}},
		{"update reaches each mapped instance once, in app map order", update(active, "0oa-wiki", "0oa-slack", "0oa-jira", "0oa-gh"),
			AppDecision{Instances: []string{"github", "atlassian"}, Apps: AppListChange{Set: []string{"github", "jira"}},
				Details: "IAM - App Update: ada@example.com updated in 2 mapped apps"}},
		{"update with the list as stored records nothing", update(stored(profile.ADEnabled, "Active", "github"), "0oa-gh"),
			AppDecision{Instances: []string{"github"}, Details: "IAM - App Update: ada@example.com updated in 1 mapped apps"}},
		{"update with no mapped app", update(active, "0oa-slack"),
			AppDecision{Skip: "Okta user ada@example.com is assigned to no app in the app map of okta"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecideAppEvent(tc.facts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := DecideAppEvent(facts(NewHire, "0oa-gh", true, active))
	assert.ErrorContains(t, err, "not an App Sync incident type")
}

func TestAppListChangeApply(t *testing.T) {
	assert.Equal(t, []string{"github", "jira"}, AppListChange{Add: "github"}.Apply([]string{"jira"}))
	assert.Equal(t, []string{"jira"}, AppListChange{Remove: "github"}.Apply([]string{"jira", "github"}))
	assert.Equal(t, []string{"wiki"}, AppListChange{Set: []string{"wiki"}}.Apply([]string{"jira"}))
	assert.Equal(t, []string{}, AppListChange{}.Apply(nil))
	assert.True(t, AppListChange{}.IsZero())
	assert.False(t, AppListChange{Set: []string{}}.IsZero(), "setting the list empty is a change")
}
