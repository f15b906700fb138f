//go:build integration

package integration

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	oktastandin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	scimstandin "github.com/ilm-dev/ilm/internal/testing/standin/scim"
	snstandin "github.com/ilm-dev/ilm/internal/testing/standin/servicenow"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/lifecycle"
)

// customMappers writes the stock mappers, each with one more line, into dir: the whole of
// the "Fields and Mappers" walkthrough for a new field, badgenumber.
func customMappers(t *testing.T, dir string) {
	t.Helper()
	for file, line := range map[string]string{
		"workday-incoming.yaml":    "  badgenumber: Badge_Number",
		"ad-outgoing.yaml":         "  employeeNumber: badgenumber",
		"okta-outgoing.yaml":       "  badgeNumber: badgenumber",
		"scim-outgoing.yaml":       `  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": badgenumber`,
		"servicenow-outgoing.yaml": "  u_badge_number: badgenumber",
	} {
		stock, err := os.ReadFile(filepath.Join("..", "mappers", file))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(strings.TrimRight(string(stock), "\n")+"\n"+line+"\n"), 0o600))
	}
}

// withTargetsFromConfig wires every target of a config file as the worker does (wiring) and
// makes them the targets of every operation.
func withTargetsFromConfig(t *testing.T, path string) harnessOption {
	return func(cfg *config.Config, acts *activities.Activities) {
		loaded, err := config.Load(path)
		require.NoError(t, err)
		targets, err := (&wiring.Env{Config: loaded}).Targets()
		require.NoError(t, err)
		var names []string
		for _, in := range loaded.Instances {
			cfg.Instances = append(cfg.Instances, in)
			names = append(names, in.Name)
		}
		cfg.Provisioning.Targets = config.Targets{Create: names, Update: names, Disable: names}
		acts.Targets = targets
	}
}

// A field added with config alone — a line in the Workday incoming mapper and one in each
// outgoing mapper — arrives in AD, Okta, a SCIM app and ServiceNow with the new hire, and its
// change in the report reaches all four.
func TestCustomFieldReachesEveryTarget(t *testing.T) {
	d := sambatest.New(t, "Sales")
	okta := oktastandin.New(oktastandin.Config{Token: "it-okta"})
	oktaSrv := httptest.NewServer(okta)
	t.Cleanup(oktaSrv.Close)
	scim := scimstandin.New(scimstandin.Config{Token: "it-scim"})
	scimSrv := scimstandin.Start(t, scim)
	sn := snstandin.New(snstandin.Config{Username: "ilm.integration", Password: "it-sn-password"})
	snSrv := snstandin.Start(t, sn)
	for k, v := range map[string]string{"ILM_IT_AD_PASSWORD": d.Password, "ILM_IT_OKTA_TOKEN": "it-okta",
		"ILM_IT_SCIM_TOKEN": "it-scim", "ILM_IT_SN_USER": "ilm.integration", "ILM_IT_SN_PASSWORD": "it-sn-password"} {
		t.Setenv(k, v)
	}

	dir := t.TempDir()
	customMappers(t, dir)
	path := filepath.Join(dir, "targets.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
instances:
  - name: ad
    type: active_directory
    url: `+d.URL+`
    ca_file: "`+d.CAFile+`"
    insecure_skip_verify: `+strconv.FormatBool(d.CAFile == "")+`
    bind_dn: `+d.BindDN+`
    bind_password_env: ILM_IT_AD_PASSWORD
    base_dn: "`+d.Base+`"
    mapper: ad-outgoing.yaml
  - {name: okta, type: okta, org_url: "`+oktaSrv.URL+`", token_env: ILM_IT_OKTA_TOKEN, mapper: okta-outgoing.yaml}
  - {name: github, type: scim, vendor: generic, base_url: "`+scim.BaseURL(scimSrv.URL)+`", token_env: ILM_IT_SCIM_TOKEN, mapper: scim-outgoing.yaml}
  - {name: servicenow, type: servicenow, url: "`+snSrv.URL+`", username_env: ILM_IT_SN_USER, password_env: ILM_IT_SN_PASSWORD, mapper: servicenow-outgoing.yaml}
`), 0o600))
	h := newHarness(t, withTargetsFromConfig(t, path), func(cfg *config.Config, _ *activities.Activities) {
		cfg.Instances[0].Workday.Mapper = filepath.Join(dir, "workday-incoming.yaml")
	})

	// Hired four weeks out: a new hire now, AD activation only days before the start.
	row := h.person(1, "2026-12-01")
	row["Badge_Number"] = "B-100"
	h.setReport(row)
	hire := h.incident(day1, 1)
	require.Equal(t, lifecycle.NewHire, hire.Type)
	require.Len(t, hire.Results, 4, "%+v", hire.Results)
	email := strings.ToLower(row["Email_Address"].(string))
	dn := "CN=" + ldap.EscapeDN(row["Preferred_Name"].(string)) + ",OU=Sales,OU=People," + d.Base
	badges := func() map[string]string {
		got := map[string]string{"ad": d.Entry(t, dn, "employeeNumber").GetAttributeValue("employeeNumber")}
		if u, ok := okta.User(email); ok {
			got["okta"] = fmt.Sprint(u.Profile["badgeNumber"])
		}
		if u, ok := scim.User(email); ok {
			ext, _ := u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
			got["github"] = fmt.Sprint(ext["employeeNumber"])
		}
		if u, ok := sn.User("email", email); ok {
			got["servicenow"] = u["u_badge_number"]
		}
		return got
	}
	assert.Equal(t, map[string]string{"ad": "B-100", "okta": "B-100", "github": "B-100", "servicenow": "B-100"}, badges())
	assert.Equal(t, "B-100", h.profile(1).Fields["badgenumber"])

	row["Badge_Number"] = "B-200"
	h.setReport(row)
	upd := h.incident(day1, 1)
	require.Equal(t, lifecycle.UpdateUser, upd.Type)
	require.Len(t, upd.Results, 4)
	for _, r := range upd.Results {
		assert.True(t, r.Success && !r.Skipped, "%+v", r)
	}
	assert.Equal(t, map[string]string{"ad": "B-200", "okta": "B-200", "github": "B-200", "servicenow": "B-200"}, badges())
}
