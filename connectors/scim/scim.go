// Package scim is the SCIM 2.0 connector (RFC 7643/7644): the IAM contract of SPEC §1 over a
// service provider's /Users, with the dialect of the app chosen in config. GitHub Enterprise
// Managed Users is disabled with active=false, never with DELETE, which deprovisions for good;
// Slack is disabled with DELETE, which only deactivates there; any other app (generic) with
// active=false. Updates are PATCH when the app's ServiceProviderConfig supports it, else PUT.
package scim

import (
	"context"
	"errors"
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

	mu         sync.Mutex
	patchKnown bool
	patch      bool
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
	c := &Client{cfg: cfg, http: hc, base: strings.TrimSuffix(cfg.BaseURL, "/")}
	c.Contract = connectors.Contract[desired, resource]{Instance: cfg.Instance, Operations: cfg.Operations,
		CreateIfNotExists: cfg.CreateIfNotExists, Binding: cfg.Binding, Accounts: c}
	return c, nil
}

// usesPatch says whether updates go as PATCH: as configured, or as the app's
// ServiceProviderConfig says (read once; Slack's v1 name /ServiceProviderConfigs too).
func (c *Client) usesPatch(ctx context.Context) (bool, error) {
	switch c.cfg.UpdateMethod {
	case UpdatePatch:
		return true, nil
	case UpdatePut:
		return false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.patchKnown {
		return c.patch, nil
	}
	var spc struct {
		Patch struct {
			Supported bool `json:"supported"`
		} `json:"patch"`
	}
	err := c.do(ctx, http.MethodGet, "/ServiceProviderConfig", nil, &spc)
	if errors.Is(err, connectors.ErrNotFound) && c.cfg.Vendor == VendorSlack {
		err = c.do(ctx, http.MethodGet, "/ServiceProviderConfigs", nil, &spc)
	}
	if err != nil {
		return false, err
	}
	c.patchKnown, c.patch = true, spc.Patch.Supported
	return c.patch, nil
}

func (c *Client) skip(op connectors.Operation, reason string) (connectors.Result, error) {
	return connectors.Skip(c.cfg.Instance, op, reason), nil
}

func (c *Client) fail(op connectors.Operation, err error) (connectors.Result, error) {
	return connectors.Failure(c.cfg.Instance, op, err), err
}
