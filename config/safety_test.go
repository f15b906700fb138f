package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Settings that would put secrets or people's data at risk, or not do what they say, are
// refused, each refusal naming its key.
func TestUnsafeSettingsAreRefused(t *testing.T) {
	const ad = `instances: [{name: ad, type: active_directory, url: "ldaps://dc.example.com", bind_dn: "CN=ilm,DC=example,DC=com", bind_password_env: P, base_dn: "DC=example,DC=com", `
	const okta = `instances: [{name: okta, type: okta, org_url: "https://acme.okta.com", token_env: T, `
	const scim = `instances: [{name: gh, type: scim, base_url: "https://api.example.com/scim/v2", token_env: T, `
	const sn = `instances: [{name: sn, type: servicenow, url: "https://acme.service-now.com", token_env: T, `
	cases := map[string]struct{ doc, want string }{
		"mail in clear to a remote host":  {`smtp: {host: mail.example.com, from: ilm@example.com, tls: none}`, `smtp.tls: none would send temporary passwords`},
		"mail in clear to a remote IP":    {`smtp: {host: 10.0.0.5, from: ilm@example.com, tls: none}`, `smtp.tls: none`},
		"ftp report":                      {`instances: [{name: w, type: workday, report_url: "ftp://hr.example.com/r.json"}]`, `instances[0].report_url: "ftp://hr.example.com/r.json" is not a file: path or an https:// or http:// address`},
		"scheme-less report":              {`instances: [{name: w, type: workday, report_url: "hr.example.com/r.json"}]`, `instances[0].report_url:`},
		"plain http report":               {`instances: [{name: w, type: workday, report_url: "http://hr.example.com/r.json", username_env: U, password_env: P}]`, `instances[0].report_url: "http://hr.example.com/r.json": http:// is allowed only for a loopback host`},
		"negative review timeout":         {`provisioning: {review: {timeout: -1h}}`, `provisioning.review.timeout: -1h0m0s is negative`},
		"store password in user info":     {`store: "postgres://ilm:hunter22@db.example.com/ilm"`, `store: the DSN holds a password`},
		"store password in a parameter":   {`store: "postgres://ilm@db.example.com/ilm?sslmode=require&password=hunter22"`, `name it in store_env`},
		"store and store_env":             {"store: sqlite:x.db\nstore_env: ILM_STORE", `store: set store or store_env, not both`},
		"AD timeout above the activity's": {ad + `timeout: 2m}]`, `instances[0].timeout: 2m0s is more than 30s`},
		"Okta timeout above":              {okta + `timeout: 31s}]`, `instances[0].timeout: 31s is more than 30s`},
		"SCIM timeout above":              {scim + `timeout: 1h}]`, `instances[0].timeout: 1h0m0s is more than 30s`},
		"ServiceNow timeout above":        {sn + `timeout: 45s}]`, `instances[0].timeout: 45s is more than 30s`},
		"negative target timeout":         {sn + `timeout: -1s}]`, `instances[0].timeout: must be positive`},
	}
	assertParseErrors(t, cases)
}

func TestSafeNeighboursAreAccepted(t *testing.T) {
	for _, doc := range []string{
		`smtp: {host: 127.0.0.1, from: ilm@example.com, tls: none}`,
		`smtp: {host: mail.example.com, from: ilm@example.com, tls: starttls}`,
		`instances: [{name: w, type: workday, report_url: "FILE:r.json"}]`,
		`provisioning: {review: {timeout: 48h}}`,
		`store: "postgres://ilm@db.example.com/ilm?sslmode=require"`,
		`store_env: ILM_STORE`,
		`instances: [{name: gh, type: scim, base_url: "https://api.example.com/scim/v2", token_env: T, timeout: 30s}]`,
	} {
		_, err := Parse([]byte(doc))
		assert.NoError(t, err, doc)
	}
}

func TestStoreEnvHoldsTheDSN(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(path, []byte("store_env: IT_ILM_STORE\n"), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	assert.Empty(t, cfg.Store, "no default store beside store_env")

	t.Setenv("IT_ILM_STORE", "postgres://ilm:hunter22@db.example.com/ilm")
	dsn, err := cfg.StoreDSN()
	require.NoError(t, err)
	assert.Equal(t, "postgres://ilm:hunter22@db.example.com/ilm", dsn)

	t.Setenv("IT_ILM_STORE", "sqlite:data/ilm.db")
	dsn, err = cfg.StoreDSN()
	require.NoError(t, err)
	assert.Equal(t, "sqlite:"+filepath.Join(dir, "data/ilm.db"), dsn, "a SQLite path is relative to the config file")

	t.Setenv("IT_ILM_STORE", "")
	_, err = cfg.StoreDSN()
	assert.ErrorContains(t, err, "store_env: environment variable IT_ILM_STORE is not set")
}

func TestWarningsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	open, closed := filepath.Join(dir, "open"), filepath.Join(dir, "closed")
	require.NoError(t, os.WriteFile(open, []byte("s3cret-value"), 0o644))
	require.NoError(t, os.WriteFile(closed, []byte("s3cret-value"), 0o600))
	path := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
instances:
  - {name: ad, type: active_directory, url: "ldaps://dc.example.com", insecure_skip_verify: true, bind_dn: "CN=ilm,DC=example,DC=com", bind_password_file: open, base_dn: "DC=example,DC=com"}
  - {name: gh, type: scim, base_url: "https://api.example.com/scim/v2", token_file: closed}
smtp: {host: localhost, from: ilm@example.com, tls: none, username_env: U, password_file: open}
`), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	ws := strings.Join(cfg.Warnings(), "\n")
	assert.Contains(t, ws, "instances[0].insecure_skip_verify: the certificate of ldaps://dc.example.com is not verified")
	assert.Contains(t, ws, "instances[0].bind_password_file: "+open+" is readable by group or others (mode 0644)")
	assert.Contains(t, ws, "smtp.password_file: "+open+" is readable")
	assert.NotContains(t, ws, "instances[1]", "a 0600 file is fine")
	assert.NotContains(t, ws, "s3cret-value")
	assert.Len(t, cfg.Warnings(), 3)
}
