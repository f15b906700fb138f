package activities

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
)

func TestNewIncidentPlansTheSteps(t *testing.T) {
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
	steps := func(typ lifecycle.EventType) []TargetCall {
		return NewIncident(cfg, "workday", lifecycle.Event{Type: typ, EmployeeID: "1001"}).Steps
	}
	call := func(instance string, op connectors.Operation, opts ...connectors.UpdateOptions) TargetCall {
		c := TargetCall{Instance: instance, Operation: op}
		if len(opts) > 0 {
			c.Options = opts[0]
		}
		return c
	}
	enable := connectors.UpdateOptions{AllowEnable: true}
	assert.Equal(t, []TargetCall{call("ad", connectors.OpCreate)}, steps(lifecycle.NewHire))
	assert.Equal(t, []TargetCall{call("ad", connectors.OpUpdate), call("ad2", connectors.OpUpdate), call("apps", connectors.OpUpdate)}, steps(lifecycle.UpdateUser))
	// A rehire enables the app account; the AD accounts wait for AD Activation, which sets a
	// new password instead of bringing back the old one.
	assert.Equal(t, []TargetCall{call("ad", connectors.OpUpdate), call("ad2", connectors.OpUpdate), call("apps", connectors.OpUpdate, enable)}, steps(lifecycle.RehireUser))
	assert.Equal(t, []TargetCall{call("apps", connectors.OpDisable), call("ad", connectors.OpDisable)}, steps(lifecycle.TerminateUser))
	// The AD instances that new hires are created in get activated; a second AD instance
	// that only updates does not.
	assert.Equal(t, []TargetCall{call("ad", connectors.OpActivate)}, steps(lifecycle.ADActivation))
	assert.Equal(t, []TargetCall{call("ad", connectors.OpDisable)}, steps(lifecycle.ADDeactivation))
	assert.Empty(t, steps(lifecycle.SyncUser))
}
