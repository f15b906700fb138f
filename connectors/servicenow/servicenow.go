// Package servicenow is the ServiceNow connector: the IAM contract of SPEC §1 over the
// Table API's sys_user table (/api/now/table/sys_user), with Basic auth or an OAuth bearer
// token. Accounts are found by one sys_user field (email or user_name), then by the
// person's old value of it, so a rename still finds the account; writes send only the
// fields that changed, and disabling sets active=false and locked_out=true.
package servicenow

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/mappers"
)

// Operations says which operations the instance may perform.
type Operations = connectors.Operations

// Config is one ServiceNow instance.
type Config struct {
	Instance string
	// URL is https://<instance>.service-now.com (http:// only for a loopback stand-in).
	URL string
	// Username and Password are for Basic auth; Token, instead, is an OAuth bearer token.
	Username, Password string
	Token              string
	// CAFile, when set, is the PEM bundle that verifies the instance's certificate.
	CAFile string
	// HTTPClient, when set, is used as is (tests).
	HTTPClient *http.Client
	// MatchField is the sys_user field accounts are found by: "email" (default) or
	// "user_name". The mapper must produce it.
	MatchField string
	// Mapper maps a profile to sys_user fields; nil means the stock servicenow-outgoing.
	Mapper            *mappers.Mapper
	CreateIfNotExists bool
	// Binding says which accounts found by login or email a write may adopt.
	Binding    connectors.Binding
	Operations Operations
	// Timeout bounds one HTTP request; 0 means 30 seconds.
	Timeout time.Duration
}

// The fields sys_user accounts can be found by.
const (
	MatchEmail    = "email"
	MatchUserName = "user_name"
)

// Client is a connector to one ServiceNow instance. It is safe for concurrent use.
type Client struct {
	// Contract gives the client Get, Create, Update and Disable (connectors.Target).
	connectors.Contract[desired, record]
	cfg    Config
	base   string
	http   *http.Client
	fields string // sysparm_fields: what the connector reads of a user
}

// New checks the configuration and builds the client. It does not call ServiceNow.
func New(cfg Config) (*Client, error) {
	if cfg.Instance == "" {
		cfg.Instance = "servicenow"
	}
	errf := func(format string, args ...any) error {
		return fmt.Errorf("servicenow %s: "+format, append([]any{cfg.Instance}, args...)...)
	}
	base, err := baseURL(cfg.URL)
	if err != nil {
		return nil, errf("url: %w", err)
	}
	basic := cfg.Username != "" || cfg.Password != ""
	switch {
	case basic && cfg.Token != "":
		return nil, errf("set username and password (Basic) or a token (OAuth), not both")
	case !basic && cfg.Token == "":
		return nil, errf("no credentials: set username and password, or a token")
	case basic && (cfg.Username == "" || cfg.Password == ""):
		return nil, errf("Basic auth needs both a username and a password")
	}
	switch cfg.MatchField {
	case "":
		cfg.MatchField = MatchEmail
	case MatchEmail, MatchUserName:
	default:
		return nil, errf("match field %q is not one of email, user_name", cfg.MatchField)
	}
	if cfg.Mapper == nil {
		if cfg.Mapper, err = mappers.Stock("servicenow-outgoing"); err != nil {
			return nil, errf("%w", err)
		}
	}
	if err := connectors.RequireBindingField(cfg.Mapper, EmployeeIDField); err != nil {
		return nil, errf("%w", err)
	}
	mapped := cfg.Mapper.Fields()
	if !slices.Contains(mapped, cfg.MatchField) {
		return nil, errf("mapper %s has no %s field, which accounts are found by", cfg.Mapper.Name, cfg.MatchField)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	hc, err := httpClient(cfg)
	if err != nil {
		return nil, errf("%w", err)
	}
	read := append([]string{"sys_id", "user_name", "email", "active", "locked_out", EmployeeIDField}, mapped...)
	slices.Sort(read)
	c := &Client{cfg: cfg, base: base, http: hc, fields: strings.Join(slices.Compact(read), ",")}
	c.Contract = connectors.Contract[desired, record]{Instance: cfg.Instance, Operations: cfg.Operations,
		CreateIfNotExists: cfg.CreateIfNotExists, Binding: cfg.Binding, Accounts: c}
	return c, nil
}

// baseURL checks the instance URL: https, or http on a loopback host; no credentials, path
// or query in it.
func baseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil {
		return "", errors.New("not a URL")
	}
	switch {
	case u.Host == "":
		return "", fmt.Errorf("%q has no host", raw)
	case u.User != nil:
		return "", errors.New("must not carry credentials")
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return "", errors.New("http:// is only for a loopback stand-in; use https://")
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("scheme %q: use https://", u.Scheme)
	case u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "":
		return "", errors.New("want the instance root, https://<instance>.service-now.com")
	}
	return u.Scheme + "://" + u.Host, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// httpClient returns the configured client, or one that trusts CAFile.
func httpClient(cfg Config) (*http.Client, error) {
	if cfg.HTTPClient != nil {
		return cfg.HTTPClient, nil
	}
	return connectors.HTTPClient(cfg.CAFile)
}

// Instance is the instance name results carry.
func (c *Client) Instance() string { return c.cfg.Instance }

// skip returns a skipped result of the instance.
func (c *Client) skip(op connectors.Operation, reason string) (connectors.Result, error) {
	return connectors.Skip(c.cfg.Instance, op, reason), nil
}

// fail returns a failed result of the instance with err.
func (c *Client) fail(op connectors.Operation, err error) (connectors.Result, error) {
	return connectors.Failure(c.cfg.Instance, op, err), err
}

var _ connectors.Target = (*Client)(nil)
