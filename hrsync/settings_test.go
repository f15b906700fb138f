package hrsync

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/config"
)

// The instance's size bounds reach detection.
func TestSettingsCarrySizeBounds(t *testing.T) {
	s := Settings("w", &config.Workday{MaxFieldBytes: 1024, MaxRowBytes: 32768})
	assert.Equal(t, 1024, s.MaxFieldBytes)
	assert.Equal(t, 32768, s.MaxRowBytes)
}

// The scoped targets reach detection in file order, with their exit and whether they are
// Active Directory; unscoped targets are not listed.
func TestTargetScopesFromConfig(t *testing.T) {
	cfg, err := config.Parse([]byte(`
instances:
  - {name: ad, type: active_directory, url: "ldaps://dc:636", bind_dn: "CN=svc", bind_password_env: P, base_dn: "DC=x", scope: 'employeetype == "Regular"'}
  - {name: okta, type: okta, org_url: "https://example.okta.com", token_env: T}
  - {name: github, type: scim, base_url: "https://api.github.com/scim/v2/enterprises/x", token_env: T, scope: 'department != "Facilities"', on_scope_exit: keep}
provisioning:
  targets: {create: [ad, okta, github], update: [ad, okta, github], disable: [ad, okta]}
`))
	require.NoError(t, err)
	scopes := TargetScopes(cfg)
	require.Len(t, scopes, 2)
	assert.Equal(t, "ad", scopes[0].Instance)
	assert.True(t, scopes[0].ActiveDirectory)
	assert.True(t, scopes[0].DisableOnExit, "disable is the default")
	assert.Equal(t, `employeetype == "Regular"`, scopes[0].Condition.String())
	assert.Equal(t, "github", scopes[1].Instance)
	assert.False(t, scopes[1].ActiveDirectory)
	assert.False(t, scopes[1].DisableOnExit)
}
