package okta_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
	"github.com/ilm-dev/ilm/internal/testing/standin/okta/oktaspec"
	"github.com/ilm-dev/ilm/profile"
)

// The connector's every call, and the stand-in's every answer, is one Okta's Management API
// spec defines. (The other tests check the same when the spec is at hand; this one says so
// when it is not.)
func TestEveryCallMatchesOktasSpec(t *testing.T) {
	oktaspec.Load(t)
	s, c := org(t)
	ctx := context.Background()
	app := s.AddApp("github_emu", "GitHub")
	since := time.Now().Add(-time.Minute)

	created, err := c.Create(ctx, ada())
	require.NoError(t, err)
	_, err = c.Get(ctx, ada())
	require.NoError(t, err)
	byEmployeeID, err := c.Get(ctx, profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001"}})
	require.NoError(t, err)
	require.Equal(t, created.ID, byEmployeeID.ID, "found by the search on employeeNumber")
	changed := ada()
	changed.Fields["title"] = "Lead"
	_, err = c.Update(ctx, changed, connectors.UpdateOptions{})
	require.NoError(t, err)
	_, err = c.Disable(ctx, ada())
	require.NoError(t, err)
	_, err = c.Update(ctx, ada(), connectors.UpdateOptions{AllowEnable: true})
	require.NoError(t, err)
	_, err = s.Assign(app.ID, created.ID)
	require.NoError(t, err)
	_, err = c.Assigned(ctx, app.ID, created.ID)
	require.NoError(t, err)
	_, err = c.UserApps(ctx, created.ID)
	require.NoError(t, err)
	page, err := c.ReadLog(ctx, "", okta.LogQuery{Since: since, Limit: 2})
	require.NoError(t, err)
	_, err = c.ReadLog(ctx, page.Next, okta.LogQuery{})
	require.NoError(t, err)
	s.FailNext(1)
	_, err = c.Get(ctx, ada())
	require.NoError(t, err)
}
