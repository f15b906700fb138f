package wiring

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/config"
)

// The activities' redactor knows every secret the worker resolves.
func TestActivitiesRedactEverySecretTheConfigNames(t *testing.T) {
	secrets := map[string]string{
		"IT_AD_BIND": "ad-bind-pw-1", "IT_OKTA": "okta-token-2", "IT_SCIM": "scim-token-3",
		"IT_SN_USER": "svc.ilm", "IT_SN_PASS": "sn-password-4", "IT_SMTP_USER": "mailer",
		"IT_SMTP_PASS": "smtp-password-5", "IT_WD_USER": "wd.ilm", "IT_WD_PASS": "workday-pw-6",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	cfg, err := config.Parse([]byte(`
instances:
  - {name: wd, type: workday, report_url: "https://wd.example.com/r", username_env: IT_WD_USER, password_env: IT_WD_PASS}
  - {name: ad, type: active_directory, url: "ldaps://dc.example.com", bind_dn: "CN=ilm,DC=example,DC=com", bind_password_env: IT_AD_BIND, base_dn: "DC=example,DC=com"}
  - {name: okta, type: okta, org_url: "https://acme.okta.com", token_env: IT_OKTA}
  - {name: gh, type: scim, base_url: "https://api.example.com/scim/v2", token_env: IT_SCIM}
  - {name: sn, type: servicenow, url: "https://acme.service-now.com", username_env: IT_SN_USER, password_env: IT_SN_PASS}
smtp: {host: smtp.example.com, from: ilm@example.com, username_env: IT_SMTP_USER, password_env: IT_SMTP_PASS}
store_env: IT_STORE
`))
	require.NoError(t, err)
	t.Setenv("IT_STORE", "postgres://ilm@db.example.com/ilm?password=store-pw-7")
	cfg.Store, err = cfg.StoreDSN()
	require.NoError(t, err)
	acts, err := (&Env{Config: cfg}).Activities(nil)
	require.NoError(t, err)
	for _, s := range []string{"ad-bind-pw-1", "okta-token-2", "scim-token-3", "sn-password-4", "smtp-password-5", "workday-pw-6", "store-pw-7"} {
		assert.Equal(t, "error: ***", acts.Redactor.String("error: "+s), s)
	}
	basic := base64.StdEncoding.EncodeToString([]byte("svc.ilm:sn-password-4"))
	assert.Equal(t, "Basic ***", acts.Redactor.String("Basic "+basic))
}
