package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const oktaDoc = `
instances:
  - name: okta
    type: okta
    org_url: https://example.okta.com
    token_env: OKTA_API_TOKEN
    mapper: mappers/okta-outgoing.yaml
    poll_interval: 1m
    query_only_mapped_apps: true
`

func TestOktaInstanceDefaults(t *testing.T) {
	cfg, err := Parse([]byte(oktaDoc))
	require.NoError(t, err)
	o, err := cfg.OktaInstance("okta")
	require.NoError(t, err)
	assert.Equal(t, "https://example.okta.com", o.OrgURL)
	assert.Equal(t, "mappers/okta-incoming.yaml", o.IncomingMapper)
	assert.Equal(t, time.Minute, o.PollInterval.Duration)
	assert.Equal(t, 24*time.Hour, o.FirstFetch.Duration)
	assert.Equal(t, 1000, o.PageLimit)
	assert.Equal(t, int32(2), o.RateLimitMaxRetries)
	assert.Equal(t, []string{"okta"}, cfg.OktaInstances())
	_, err = cfg.WorkdayInstance("okta")
	assert.ErrorContains(t, err, "not workday")
}

func TestOktaOrgURLMustBeHTTPSUnlessLoopback(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://example.okta.com":        true,
		"http://127.0.0.1:8443":           true,
		"http://localhost:8443":           true,
		"http://[::1]:8443":               true,
		"http://example.okta.com":         false,
		"http://10.0.0.5:8080":            false,
		"https://example.okta.com/":       false,
		"https://example.okta.com/api/v1": false,
		"ftp://example.okta.com":          false,
		"example.okta.com":                false,
	} {
		err := checkOrgURL(url)
		assert.Equal(t, ok, err == nil, "%s: %v", url, err)
	}
}

func TestOktaErrorsNameTheKey(t *testing.T) {
	assertParseErrors(t, map[string]struct{ doc, want string }{
		"http org": {`
instances:
  - {name: okta, type: okta, org_url: "http://example.okta.com", token_env: T}`, `instances[0].org_url: "http://example.okta.com": http:// is allowed only for a loopback host`},
		"no token": {`
instances:
  - {name: okta, type: okta, org_url: "https://example.okta.com"}`, `instances[0]: token_env or token_file is required`},
		"both filters": {`
instances:
  - {name: okta, type: okta, org_url: "https://example.okta.com", token_env: T, query_only_mapped_apps: true, query_filter: 'eventType eq "x"'}`, `set query_only_mapped_apps or query_filter, not both`},
		"page limit": {`
instances:
  - {name: okta, type: okta, org_url: "https://example.okta.com", token_env: T, page_limit: 5000}`, `instances[0].page_limit: 5000 is not between 1 and 1000`},
		"unknown key": {`
instances:
  - {name: okta, type: okta, org_url: "https://example.okta.com", token_env: T, poll_every: 1m}`, `poll_every`},
	})
}

func TestCreatesMissingReadsTheInstanceSetting(t *testing.T) {
	cfg, err := Parse([]byte(`
instances:
  - {name: okta, type: okta, org_url: "https://example.okta.com", token_env: T, create_if_not_exists: true}
`))
	require.NoError(t, err)
	assert.True(t, cfg.CreatesMissing("okta"))
	assert.False(t, cfg.CreatesMissing("nope"))
}
