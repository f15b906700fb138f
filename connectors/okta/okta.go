// Package okta is the Okta connector: Okta as a provisioning target (the IAM contract of SPEC
// §1 over the user lifecycle API) and as the source of App Sync (app assignments, the user's
// apps and the System Log, SPEC §2). It talks to Okta through okta-sdk-golang/v2, always
// with the SDK's cache off (the cache serves stale pages and users) and an explicit HTTP
// client, so that no ~/.okta/okta.yaml or OKTA_* variable of the host leaks in.
package okta

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/okta/okta-sdk-golang/v2/okta"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/mappers"
)

// Operations says which operations the instance may perform.
type Operations = connectors.Operations

// Config is one Okta instance.
type Config struct {
	Instance string
	// OrgURL is https://<org>.okta.com (http:// only for a loopback stand-in).
	OrgURL string
	Token  string
	// CAFile, when set, is the PEM bundle that verifies the org's certificate.
	CAFile string
	// HTTPClient, when set, is used as is (tests pass their TLS stand-in's client).
	HTTPClient *http.Client
	// Mapper maps a profile to the Okta user profile.
	Mapper            *mappers.Mapper
	CreateIfNotExists bool
	// Binding says which accounts found by login or email a write may adopt.
	Binding    connectors.Binding
	Operations Operations
	// Timeout bounds one HTTP request, rate-limit waits included.
	Timeout time.Duration
	// RateLimitMaxRetries is how many 429s the SDK waits out before failing the call.
	RateLimitMaxRetries int32
	// RateLimitMaxWait caps one wait for the rate-limit reset.
	RateLimitMaxWait time.Duration
}

// Client is a connector to one Okta org. It is safe for concurrent use.
type Client struct {
	// Contract gives the client Get, Create, Update and Disable (connectors.Target).
	connectors.Contract[desired, User]
	cfg Config
	sdk *okta.Client
}

// New builds the client. It does not call Okta.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Token == "" {
		return nil, fmt.Errorf("okta %s: no API token", cfg.Instance)
	}
	if err := connectors.RequireBindingField(cfg.Mapper, EmployeeIDAttribute); err != nil {
		return nil, fmt.Errorf("okta %s: %w", cfg.Instance, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.RateLimitMaxWait <= 0 {
		cfg.RateLimitMaxWait = time.Minute
	}
	hc, err := httpClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("okta %s: %w", cfg.Instance, err)
	}
	orgURL := strings.TrimSuffix(cfg.OrgURL, "/")
	_, sdk, err := okta.NewClient(ctx,
		okta.WithOrgUrl(orgURL),
		okta.WithToken(cfg.Token),
		okta.WithHttpClientPtr(hc),
		okta.WithCache(false),
		okta.WithTestingDisableHttpsCheck(strings.HasPrefix(orgURL, "http://")),
		okta.WithRequestTimeout(int64((cfg.Timeout+time.Second-1)/time.Second)),
		okta.WithRateLimitMaxRetries(cfg.RateLimitMaxRetries),
		okta.WithRateLimitMaxBackOff(int64((cfg.RateLimitMaxWait+time.Second-1)/time.Second)),
		okta.WithUserAgentExtra("ilm"),
	)
	if err != nil {
		// The SDK's validation errors never contain the token.
		return nil, fmt.Errorf("okta %s: %w", cfg.Instance, err)
	}
	c := &Client{cfg: cfg, sdk: sdk}
	c.Contract = connectors.Contract[desired, User]{Instance: cfg.Instance, Operations: cfg.Operations,
		CreateIfNotExists: cfg.CreateIfNotExists, Binding: cfg.Binding, Accounts: c}
	return c, nil
}

// Instance is the instance name results carry.
func (c *Client) Instance() string { return c.cfg.Instance }

// httpClient returns the configured client, or one that trusts CAFile, with the transport
// wrapped to note rate-limit resets (see rateNote).
func httpClient(cfg Config) (*http.Client, error) {
	base := cfg.HTTPClient
	if base == nil {
		var err error
		if base, err = connectors.HTTPClient(cfg.CAFile); err != nil {
			return nil, err
		}
	}
	hc := *base
	inner := hc.Transport
	if inner == nil {
		inner = http.DefaultTransport
	}
	hc.Transport = rateNoter{inner}
	return &hc, nil
}

// skip returns a skipped result of the instance.
func (c *Client) skip(op connectors.Operation, reason string) (connectors.Result, error) {
	return connectors.Skip(c.cfg.Instance, op, reason), nil
}

// fail returns a failed result of the instance with err.
func (c *Client) fail(op connectors.Operation, err error) (connectors.Result, error) {
	return connectors.Failure(c.cfg.Instance, op, err), err
}
