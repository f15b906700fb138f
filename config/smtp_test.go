package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSMTPParsesAndDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`smtp: {host: localhost, port: 1025, from: "ILM <ilm@example.com>", tls: none}`))
	require.NoError(t, err)
	assert.True(t, cfg.SMTP.Enabled())
	assert.Equal(t, 1025, cfg.SMTP.Port)
	assert.Equal(t, 30*time.Second, cfg.SMTP.Timeout.Duration)

	cfg, err = Parse([]byte(`smtp: {host: mail.example.com, from: ilm@example.com}`))
	require.NoError(t, err)
	assert.Equal(t, SMTPTLSStartTLS, cfg.SMTP.TLS, "TLS is required unless the operator says none")
	assert.Equal(t, 587, cfg.SMTP.Port)

	cfg, err = Parse([]byte(`smtp: {host: mail.example.com, from: ilm@example.com, tls: tls}`))
	require.NoError(t, err)
	assert.Equal(t, 465, cfg.SMTP.Port)

	cfg, err = Parse([]byte(`store: sqlite:x.db`))
	require.NoError(t, err)
	assert.False(t, cfg.SMTP.Enabled(), "no smtp section, no mail")
}

func TestSMTPCredentials(t *testing.T) {
	t.Setenv("ILM_TEST_SMTP_USER", "ilm")
	file := filepath.Join(t.TempDir(), "smtp-password")
	require.NoError(t, os.WriteFile(file, []byte("p4ss\n"), 0o600))
	cfg, err := Parse([]byte(`smtp: {host: mail.example.com, from: ilm@example.com, username_env: ILM_TEST_SMTP_USER, password_file: ` + file + `}`))
	require.NoError(t, err)
	user, pass, err := cfg.SMTP.Credentials()
	require.NoError(t, err)
	assert.Equal(t, "ilm", user)
	assert.Equal(t, "p4ss", pass)
}

func TestPasswordPolicyDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`provisioning: {password: {length: 20, symbols: 0}}`))
	require.NoError(t, err)
	p := cfg.Provisioning.Password
	assert.Equal(t, 20, p.Length)
	assert.Equal(t, 3, *p.Digits)
	assert.Equal(t, 0, *p.Symbols, "0 means no symbols, not the default")
	assert.Equal(t, 1, *p.Upper)
	assert.Equal(t, 1, *p.Lower)

	cfg, err = Parse([]byte(`store: sqlite:x.db`))
	require.NoError(t, err)
	assert.Equal(t, DefaultPasswordLength, cfg.Provisioning.Password.Length)
	assert.Equal(t, 2, *cfg.Provisioning.Password.Symbols)
}

func TestSMTPAndPasswordErrorsNameTheKey(t *testing.T) {
	const smtp = `smtp: {host: mail.example.com, from: ilm@example.com, `
	cases := map[string]struct{ doc, want string }{
		"unknown smtp key":     {smtp + `tsl: none}`, `smtp: unknown key "tsl"`},
		"no host":              {`smtp: {from: ilm@example.com}`, `smtp.host: required`},
		"no from":              {`smtp: {host: mail.example.com}`, `smtp.from: required`},
		"bad from address":     {`smtp: {host: h, from: "not an address"}`, `smtp.from: "not an address" is not a mail address`},
		"bad tls":              {smtp + `tls: ssl}`, `smtp.tls: "ssl" is not one of none, starttls, tls`},
		"bad port":             {smtp + `port: 70000}`, `smtp.port: 70000`},
		"password no user":     {smtp + `password_env: P}`, `smtp: SMTP AUTH needs both`},
		"env and file":         {smtp + `username_env: U, password_env: P, password_file: /p}`, `smtp: set password_env or password_file, not both`},
		"clear password":       {smtp + `tls: none, username_env: U, password_env: P}`, `smtp.tls: none would send temporary passwords (and any SMTP password) in clear`},
		"short timeout":        {smtp + `timeout: 10ms}`, `smtp.timeout: must be at least 1s`},
		"unknown password key": {`provisioning: {password: {lenght: 12}}`, `provisioning.password: unknown key "lenght"`},
		"short password":       {`provisioning: {password: {length: 6}}`, `provisioning.password.length: 6 is not between 8 and 128`},
		"negative digits":      {`provisioning: {password: {digits: -1}}`, `provisioning.password.digits: must be >= 0`},
		"counts over length":   {`provisioning: {password: {length: 8, digits: 4, symbols: 4, upper: 1}}`, `is more than length 8`},
		"two classes":          {`provisioning: {password: {digits: 0, symbols: 0}}`, `three of four character classes`},
		"unknown templates":    {`provisioning: {template_dir: x}`, `provisioning: unknown key "template_dir"`},
	}
	assertParseErrors(t, cases)
}

func TestClearPasswordToLoopbackIsAllowed(t *testing.T) {
	_, err := Parse([]byte(`smtp: {host: localhost, from: ilm@example.com, tls: none, username_env: U, password_env: P}`))
	require.NoError(t, err)
}

func TestExampleConfigParses(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "ilm.example.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "localhost", cfg.SMTP.Host)
	assert.Equal(t, 1025, cfg.SMTP.Port)
	assert.Equal(t, SMTPTLSNone, cfg.SMTP.TLS)
	assert.Equal(t, 16, cfg.Provisioning.Password.Length)
}

func TestLoadResolvesMailPaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ilm.yaml")
	doc := "smtp: {host: h, from: a@example.com, username_file: u, password_file: p}\nprovisioning: {templates_dir: mail}\n"
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "u"), cfg.SMTP.UsernameFile)
	assert.Equal(t, filepath.Join(dir, "p"), cfg.SMTP.PasswordFile)
	assert.Equal(t, filepath.Join(dir, "mail"), cfg.Provisioning.TemplatesDir)
}
