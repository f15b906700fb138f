package activities

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/lifecycle"
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
