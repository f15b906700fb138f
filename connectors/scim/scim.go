// Package scim is the SCIM 2.0 connector (RFC 7643/7644): the IAM contract of SPEC §1 over a
// service provider's /Users, with the dialect of the app chosen in config. GitHub Enterprise
// Managed Users is disabled with active=false, never with DELETE, which deprovisions for good;
// Slack is disabled with DELETE, which only deactivates there; any other app (generic) with
// active=false. Updates are PATCH when the app's ServiceProviderConfig supports it, else PUT.
// Only the mapped attributes the app declares in its /ResourceTypes and /Schemas are sent
// (discovery.go); the results name the others.
package scim

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/mappers"
)

// Vendors, the dialects the connector speaks.
const (
	VendorGeneric = "generic"
	VendorGitHub  = "github"
	VendorSlack   = "slack"
)

// Update methods.
const (
	UpdateAuto  = "auto"
	UpdatePatch = "patch"
	UpdatePut   = "put"
)

// Operations says which operations the instance may perform.
type Operations = connectors.Operations

// Config is one SCIM app.
type Config struct {
	Instance string
	Vendor   string
	// BaseURL is the SCIM root the resource paths go under, e.g.
	// https://api.github.com/scim/v2/enterprises/acme.
	BaseURL   string
	Token     string
	CAFile    string
	UserAgent string
	// UpdateMethod is UpdatePatch, UpdatePut or UpdateAuto (the ServiceProviderConfig decides).
	UpdateMethod string
	// HTTPClient, when set, is used as is (tests).
	HTTPClient        *http.Client
	Mapper            *mappers.Mapper
	CreateIfNotExists bool
	// Binding says which accounts found by login or email a write may adopt.
	Binding    connectors.Binding
	Operations Operations
	Timeout    time.Duration
}

// Client is a connector to one SCIM app. It is safe for concurrent use.
type Client struct {
	// Contract gives the client Get, Create, Update and Disable (connectors.Target).
	connectors.Contract[desired, resource]
	cfg  Config
	http *http.Client
	base string

	mu   sync.Mutex    // guards caps
	caps *capabilities // what the app supports (discovery.go); nil until the first write
	now  func() time.Time
}

// New builds the client. It does not call the app.
func New(cfg Config) (*Client, error) {
	if cfg.Token == "" {
		return nil, fmt.Errorf("scim %s: no token", cfg.Instance)
	}
	if err := connectors.RequireBindingField(cfg.Mapper, EmployeeIDAttribute); err != nil {
		return nil, fmt.Errorf("scim %s: %w", cfg.Instance, err)
	}
	switch cfg.Vendor {
	case "":
		cfg.Vendor = VendorGeneric
	case VendorGeneric, VendorGitHub, VendorSlack:
	default:
		return nil, fmt.Errorf("scim %s: unknown vendor %q", cfg.Instance, cfg.Vendor)
	}
	if cfg.UpdateMethod == "" {
		cfg.UpdateMethod = UpdateAuto
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "ILM-SCIM-Client/1.0"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	hc := cfg.HTTPClient
	if hc == nil {
		var err error
		if hc, err = connectors.HTTPClient(cfg.CAFile); err != nil {
			return nil, fmt.Errorf("scim %s: %w", cfg.Instance, err)
		}
	}
	c := &Client{cfg: cfg, http: hc, base: strings.TrimSuffix(cfg.BaseURL, "/"), now: time.Now}
	c.Contract = connectors.Contract[desired, resource]{Instance: cfg.Instance, Operations: cfg.Operations,
		CreateIfNotExists: cfg.CreateIfNotExists, Binding: cfg.Binding, Accounts: c}
	return c, nil
}

func (c *Client) skip(op connectors.Operation, reason string) (connectors.Result, error) {
	return connectors.Skip(c.cfg.Instance, op, reason), nil
}

// fail is the result of a failed write, with the warnings on what it sent.
func (c *Client) fail(op connectors.Operation, err error, warnings []string) (connectors.Result, error) {
	res := connectors.Failure(c.cfg.Instance, op, err)
	res.Warnings = warnings
	return res, err
}
