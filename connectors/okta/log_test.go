package okta_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
)

func TestAssignmentsAndTheUsersApps(t *testing.T) {
	s, c := org(t)
	ctx := context.Background()
	res, err := c.Create(ctx, ada())
	require.NoError(t, err)
	github, slack, jira := s.AddApp("github_emu", "GitHub"), s.AddApp("slack", "Slack"), s.AddApp("jira", "Jira")
	_, err = s.Assign(github.ID, res.ID)
	require.NoError(t, err)
	_, err = s.Assign(slack.ID, res.ID)
	require.NoError(t, err)

	assigned, err := c.Assigned(ctx, github.ID, res.ID)
	require.NoError(t, err)
	assert.True(t, assigned)
	assigned, err = c.Assigned(ctx, jira.ID, res.ID)
	require.NoError(t, err)
	assert.False(t, assigned)

	apps, err := c.UserApps(ctx, res.ID)
	require.NoError(t, err)
	assert.ElementsMatch(t, []okta.App{
		{ID: github.ID, Name: "github_emu", Label: "GitHub"},
		{ID: slack.ID, Name: "slack", Label: "Slack"},
	}, apps)

	require.NoError(t, s.Unassign(github.ID, res.ID))
	assigned, err = c.Assigned(ctx, github.ID, res.ID)
	require.NoError(t, err)
	assert.False(t, assigned)
}

// A polling read pages with Okta's own next links, keeps getting one after an empty page,
// and sees events appended later from where it stopped.
func TestReadLogFollowsNextLinksPastTheEnd(t *testing.T) {
	s, c := org(t)
	ctx := context.Background()
	res, err := c.Create(ctx, ada())
	require.NoError(t, err)
	app := s.AddApp("github_emu", "GitHub")
	since := time.Now().Add(-time.Minute)
	_, err = s.Assign(app.ID, res.ID)
	require.NoError(t, err)
	changed := ada()
	changed.Fields["title"] = "Lead Analyst"
	_, err = c.Update(ctx, changed, connectors.UpdateOptions{})
	require.NoError(t, err)

	q := okta.LogQuery{Since: since, Limit: 2, Filter: fmt.Sprintf("eventType eq %q or eventType eq %q", okta.EventAppUserAdd, okta.EventProfileUpdate)}
	first, err := c.ReadLog(ctx, "", q)
	require.NoError(t, err)
	require.NotEmpty(t, first.Next)
	var events []okta.LogEvent
	events = append(events, first.Events...)
	cursor := first.Next
	for range 5 {
		page, err := c.ReadLog(ctx, cursor, q)
		require.NoError(t, err)
		require.NotEmpty(t, page.Next, "a polling read always has a next link")
		cursor = page.Next
		if len(page.Events) == 0 {
			break
		}
		events = append(events, page.Events...)
	}
	require.Len(t, events, 2)
	add := events[0]
	assert.Equal(t, okta.EventAppUserAdd, add.EventType)
	assert.Equal(t, "SUCCESS", add.Outcome)
	assert.NotEmpty(t, add.UUID)
	user, ok := add.Target(okta.TargetUser)
	require.True(t, ok)
	assert.Equal(t, res.ID, user.ID)
	assert.Equal(t, "ada.lovelace@example.com", user.AlternateID)
	inst, ok := add.Target(okta.TargetAppInstance)
	require.True(t, ok)
	assert.Equal(t, app.ID, inst.ID)
	assert.Equal(t, "GitHub", inst.DisplayName)
	assert.Equal(t, okta.EventProfileUpdate, events[1].EventType)
	assert.Equal(t, []string{"title"}, events[1].ChangedAttributes)

	require.NoError(t, s.Unassign(app.ID, res.ID))
	_, err = c.Update(ctx, ada(), connectors.UpdateOptions{})
	require.NoError(t, err)
	later, err := c.ReadLog(ctx, cursor, q)
	require.NoError(t, err)
	require.Len(t, later.Events, 1, "the unassign does not match the filter; the update does")
	assert.Equal(t, okta.EventProfileUpdate, later.Events[0].EventType)
}

func TestReadLogErrors(t *testing.T) {
	_, c := org(t)
	ctx := context.Background()
	_, err := c.ReadLog(ctx, "", okta.LogQuery{Since: time.Now().Add(-time.Hour), Filter: `eventType eqq "x"`})
	require.Error(t, err)
	assert.True(t, errors.Is(err, connectors.ErrInvalid), err)
	assert.Contains(t, err.Error(), "E0000053")

	_, err = c.ReadLog(ctx, "/api/v1/users?after=x", okta.LogQuery{})
	assert.ErrorContains(t, err, "is not a System Log cursor")
}
