package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const validAD = `
instances:
  - name: ad
    type: active_directory
    url: ldaps://127.0.0.1:636
    insecure_skip_verify: true
    bind_dn: Administrator@EXAMPLE.TEST
    bind_password_env: AD_BIND_PASSWORD
    base_dn: DC=example,DC=test
    disabled_users_group: CN=Disabled Users\, Old,OU=Groups,DC=example,DC=test
    mapper: mappers/ad-outgoing.yaml
    create_if_not_exists: false
    max_connections: 6
    operations: {create: true, update: true, enable: false}
provisioning:
  targets: {create: [ad], update: [ad], disable: [ad]}
`

func TestParseActiveDirectory(t *testing.T) {
	cfg, err := Parse([]byte(validAD))
	require.NoError(t, err)
	a, err := cfg.ActiveDirectoryInstance("ad")
	require.NoError(t, err)
	assert.Equal(t, "ldaps://127.0.0.1:636", a.URL)
	assert.True(t, a.InsecureSkipVerify)
	assert.Equal(t, "DC=example,DC=test", a.BaseDN)
	assert.True(t, Allowed(a.Operations.Create))
	assert.False(t, Allowed(a.Operations.Enable))
	assert.True(t, Allowed(a.Operations.Disable), "an absent operation is allowed")
	assert.Equal(t, 30*time.Second, a.Timeout.Duration)
	assert.Equal(t, 6, a.MaxConnections)

	t.Setenv("AD_BIND_PASSWORD", "bind-s3cret")
	pw, err := a.BindPassword()
	require.NoError(t, err)
	assert.Equal(t, "bind-s3cret", pw)

	_, err = cfg.WorkdayInstance("ad")
	assert.ErrorContains(t, err, "not workday")
}

func TestActiveDirectoryDefaultsAndPaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ilm.yaml")
	doc := `instances: [{name: ad, type: active_directory, url: "ldaps://dc:636", ca_file: ca.pem, bind_dn: "CN=svc,DC=x", bind_password_file: secrets/ad, base_dn: "DC=x"}]`
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	a, err := cfg.ActiveDirectoryInstance("ad")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "mappers/ad-outgoing.yaml"), a.Mapper)
	assert.Equal(t, filepath.Join(dir, "ca.pem"), a.CAFile)
	assert.Equal(t, filepath.Join(dir, "secrets/ad"), a.BindPasswordFile)
}

func TestActiveDirectoryErrorsNameTheKey(t *testing.T) {
	base := `{name: ad, type: active_directory, url: "ldaps://dc", bind_dn: "CN=svc,DC=x", bind_password_env: P, base_dn: "DC=x"`
	cases := map[string]struct{ doc, want string }{
		"unknown key":      {`instances: [` + base + `, bsae_dn: x}]`, `instance "ad": unknown key "bsae_dn"`},
		"unknown op":       {`instances: [` + base + `, operations: {delete: true}}]`, `instance "ad".operations: unknown key "delete"`},
		"missing url":      {`instances: [{name: ad, type: active_directory, bind_dn: x, bind_password_env: P, base_dn: "DC=x"}]`, `instances[0].url: required`},
		"plain ldap":       {`instances: [{name: ad, type: active_directory, url: "ldap://dc", bind_dn: x, bind_password_env: P, base_dn: "DC=x"}]`, `instances[0].url: "ldap://dc" must start with ldaps://`},
		"missing bind dn":  {`instances: [{name: ad, type: active_directory, url: "ldaps://dc", bind_password_env: P, base_dn: "DC=x"}]`, `instances[0].bind_dn: required`},
		"missing password": {`instances: [{name: ad, type: active_directory, url: "ldaps://dc", bind_dn: x, base_dn: "DC=x"}]`, `bind_password_env or bind_password_file is required`},
		"missing base":     {`instances: [{name: ad, type: active_directory, url: "ldaps://dc", bind_dn: x, bind_password_env: P}]`, `instances[0].base_dn: required`},
		"bad base":         {`instances: [{name: ad, type: active_directory, url: "ldaps://dc", bind_dn: x, bind_password_env: P, base_dn: example.test}]`, `instances[0].base_dn: "example.test" is not a DN`},
		"bad group":        {`instances: [` + base + `, disabled_users_group: "Disabled Users"}]`, `instances[0].disabled_users_group`},
		"tls both ways":    {`instances: [` + base + `, ca_file: ca.pem, insecure_skip_verify: true}]`, `set ca_file or insecure_skip_verify, not both`},
		"bad op value":     {`instances: [` + base + `, operations: {create: maybe}}]`, `maybe`},
		"no connections":   {`instances: [` + base + `, max_connections: -1}]`, `instances[0].max_connections: -1 is not between 1 and 256`},
		"too many conns":   {`instances: [` + base + `, max_connections: 1000}]`, `instances[0].max_connections: 1000 is not between 1 and 256`},
	}
	assertParseErrors(t, cases)
}
