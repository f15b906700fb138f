package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
)

// oktaConfig writes a config with an Okta org, a workday source and an AD target.
func oktaConfig(t *testing.T) (cfg, dir string) {
	t.Helper()
	dir = t.TempDir()
	cfg = filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`store: sqlite:`+filepath.Join(dir, "ilm.db")+`
instances:
  - {name: workday, type: workday, report_url: "file:report.json"}
  - {name: okta, type: okta, org_url: "https://example.okta.com", token_env: ILM_TEST_NEVER_SET}
  - name: ad
    type: active_directory
    url: ldaps://127.0.0.1
    bind_dn: CN=ilm,DC=example,DC=test
    bind_password_env: ILM_TEST_NEVER_SET
    base_dn: DC=example,DC=test
`), 0o600))
	return cfg, dir
}

func writeJSON(t *testing.T, dir, name, doc string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	return path
}

// The app map is replaced whole and printed as it is stored; neither needs the token.
func TestOktaSetThenGetConfiguration(t *testing.T) {
	cfg, dir := oktaConfig(t)
	code, out, errOut := ilm("okta", "get-configuration", "--config", cfg, "--instance", "okta")
	require.Equal(t, exitOK, code, errOut)
	assert.JSONEq(t, `[]`, out)

	first := writeJSON(t, dir, "map.json", `[
		{"application_id": "0oa2", "name": "ad", "label": "Active Directory", "instance": "ad"},
		{"application_id": "0oa1", "name": "corp-ad", "label": "Corp AD", "instance": "ad"}]`)
	code, _, errOut = ilm("okta", "set-configuration", "--config", cfg, "--instance", "okta", "--file", first)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "app map of okta: 2 applications")

	second := writeJSON(t, dir, "map2.json", `[{"application_id": "0oa3", "name": "ad", "label": "AD", "instance": "ad"}]`)
	code, _, errOut = ilm("okta", "set-configuration", "--config", cfg, "--instance", "okta", "--file", second)
	require.Equal(t, exitOK, code, errOut)

	code, out, errOut = ilm("okta", "get-configuration", "--config", cfg, "--instance", "okta")
	require.Equal(t, exitOK, code, errOut)
	var got []store.AppMapping
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, []store.AppMapping{{ApplicationID: "0oa3", Name: "ad", Label: "AD", Instance: "ad"}}, got)
}

// A bad file changes nothing, and every problem is named by entry and key.
func TestOktaSetConfigurationChecksEveryEntry(t *testing.T) {
	cfg, dir := oktaConfig(t)
	good := writeJSON(t, dir, "good.json", `[{"application_id": "0oa1", "name": "ad", "label": "AD", "instance": "ad"}]`)
	code, _, errOut := ilm("okta", "set-configuration", "--config", cfg, "--instance", "okta", "--file", good)
	require.Equal(t, exitOK, code, errOut)

	bad := writeJSON(t, dir, "bad.json", `[
		{"application_id": "0oa1", "name": "ad", "label": "AD", "instance": "github"},
		{"application_id": "0oa1", "name": "", "label": "AD", "instance": "workday"},
		{"application_id": "", "name": "x", "label": "X", "instance": "okta"}]`)
	code, _, errOut = ilm("okta", "set-configuration", "--config", cfg, "--instance", "okta", "--file", bad)
	assert.Equal(t, exitError, code)
	for _, want := range []string{
		`entry 0: instance: no connector instance named "github" in the config`,
		`entry 1: application_id: 0oa1 is also entry 0`,
		`entry 1: name: required`,
		`entry 1: instance: "workday" is a workday source, not a provisioning target`,
		`entry 2: application_id: required`,
		`entry 2: instance: "okta" is the Okta instance itself`,
	} {
		assert.Contains(t, errOut, want)
	}
	unknown := writeJSON(t, dir, "unknown.json", `[{"application_id": "0oa1", "app": "x"}]`)
	code, _, errOut = ilm("okta", "set-configuration", "--config", cfg, "--instance", "okta", "--file", unknown)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, `unknown field "app"`)

	code, out, _ := ilm("okta", "get-configuration", "--config", cfg, "--instance", "okta")
	require.Equal(t, exitOK, code)
	assert.JSONEq(t, `[{"application_id": "0oa1", "name": "ad", "label": "AD", "instance": "ad"}]`, out)
}

func TestOktaUsageErrors(t *testing.T) {
	cfg, _ := oktaConfig(t)
	code, _, errOut := ilm("okta", "list", "--config", cfg, "--instance", "okta")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "want get-configuration or set-configuration")

	code, _, errOut = ilm("okta", "set-configuration", "--config", cfg, "--instance", "okta")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--file is required")

	code, _, errOut = ilm("okta", "get-configuration", "--config", cfg, "--instance", "ad")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, `instance "ad" is of type active_directory, not okta`)

	code, _, errOut = ilm("poll", "--config", cfg, "--instance", "ad")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "only workday and okta instances are polled")

	code, _, errOut = ilm("poll", "--config", cfg, "--instance", "okta", "--now", "2026-11-28T00:00:00Z")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--report, --now and --accept-plan are for workday instances")
}
