//go:build integration

package integration

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
	oktastandin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
)

// withScopedOkta adds the Okta org as a provisioning target next to testapp, loaded from a
// config file whose okta instance is scoped to employees (the default on_scope_exit, disable).
func withScopedOkta(t *testing.T, org *oktastandin.Server) harnessOption {
	return func(cfg *config.Config, acts *activities.Activities) {
		srv := httptest.NewServer(org) // plain http: a loopback org_url may be
		t.Cleanup(srv.Close)
		t.Setenv("ILM_IT_OKTA_TOKEN", oktaToken)
		path := filepath.Join(t.TempDir(), "okta.yaml")
		require.NoError(t, os.WriteFile(path, []byte(`
instances:
  - name: okta
    type: okta
    org_url: "`+srv.URL+`"
    token_env: ILM_IT_OKTA_TOKEN
    scope: employeetype != "Contractor"
provisioning:
  targets: {create: [okta], update: [okta], disable: [okta]}
`), 0o600))
		loaded, err := config.Load(path)
		require.NoError(t, err)
		targets, err := (&wiring.Env{Config: loaded}).Targets()
		require.NoError(t, err)
		cfg.Instances = append(cfg.Instances, loaded.Instances...)
		tg := &cfg.Provisioning.Targets
		tg.Create, tg.Update, tg.Disable = append(tg.Create, "okta"), append(tg.Update, "okta"), append(tg.Disable, "okta")
		acts.Targets["okta"] = targets["okta"]
	}
}

// A contractor gets an account in testapp and none in Okta, whose scope is employees; made
// an employee, they enter the scope and get an active Okta user; made a contractor again,
// they leave it: their Okta user is deactivated, and their testapp account is updated, never
// disabled.
func TestScopeEnterAndExitOnTheDevServer(t *testing.T) {
	org := oktastandin.New(oktastandin.Config{Token: oktaToken})
	h := newHarness(t, withScopedOkta(t, org))
	email := strings.ToLower(fmt.Sprintf("p.%s1@example.com", h.prefix))
	as := func(employeeType string) map[string]any {
		row := h.person(1, "2026-10-01")
		row["Employee_Type"] = employeeType
		return row
	}

	h.setReport(as("Contractor"))
	hire := h.incident(day1, 1)
	assert.Equal(t, lifecycle.NewHire, hire.Type)
	assert.Contains(t, hire.Results, connectors.Result{Instance: "okta", Action: connectors.OpCreate, Success: true, Skipped: true,
		Reason: `out of scope (employeetype != "Contractor")`}, "the result says why Okta got no user")
	_, ok := h.target.Account(h.id(1))
	require.True(t, ok, "testapp has no scope: the contractor gets an account there")
	_, ok = org.User(email)
	assert.False(t, ok, "no Okta user for a contractor")
	assert.Equal(t, lifecycle.ADActivation, h.incident(day1, 1).Type, "the activation window: nothing for Okta")

	h.setReport(as("Regular"))
	enter := h.incident(day1, 1)
	assert.Equal(t, lifecycle.UpdateUser, enter.Type)
	u, ok := org.User(email)
	require.True(t, ok, "entering the scope creates the Okta user")
	assert.Equal(t, okta.StatusActive, u.Status)
	assert.Equal(t, h.id(1), u.Profile["employeeNumber"], "bound to the person")

	h.setReport(as("Contractor"))
	rep, err := h.poll(day1)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.GuardCounts.ScopeExits, "a scope exit is an access removal for the guard")
	require.Equal(t, 1, rep.Started, "%+v", rep)
	exit := h.waitDone(1)
	assert.Equal(t, lifecycle.UpdateUser, exit.Type)
	u, _ = org.User(email)
	assert.Equal(t, okta.StatusDeprovisioned, u.Status, "leaving the scope deactivates the Okta user")
	acct, _ := h.target.Account(h.id(1))
	assert.Equal(t, "Contractor", acct.Fields[profile.EmployeeType], "and only there: testapp's account is updated")
	assert.NotContains(t, h.target.Calls(), connectors.OpDisable, "testapp was never disabled")
	assert.Equal(t, "Contractor", h.profile(1).Fields[profile.EmployeeType])
}
