// Package activedirectory provisions users into Active Directory over LDAPS (SPEC §1): get,
// create, update (rename and move included), disable, enable and set a password, with the
// account's attributes computed by an outgoing mapper (mappers/ad-outgoing.yaml).
//
// The mapper sees the profile's fields, plus basedn (the instance's base DN) and rdn (the
// same fields escaped for use inside a DN), and must yield sAMAccountName, ou (the DN of
// the OU the account lives in) and cn. manageremail is resolved to the manager's DN;
// every other field is written as the LDAP attribute of that name.
//
// Get, Create, Update and Disable follow connectors.Contract, as every connector's do; Enable
// and SetPassword (connectors.Activator) are Active Directory's own, with the same binding
// rule. Every operation runs over one bound connection (session), taken from the instance's
// pool and given back when it returns (pool.go): the target is safe for concurrent use, opens
// at most MaxConnections connections, and reuses them, so an operation pays no TCP, TLS and
// bind round trips; a connection that dropped, or whose operation's context ended, is closed,
// never reused.
package activedirectory

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/mappers"
)

// DefaultTimeout bounds one operation when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Operations says which operations the instance may perform; the others are skipped.
type Operations = connectors.Operations

// Config is one Active Directory instance.
type Config struct {
	// Instance is the instance name, reported in results.
	Instance string
	// URL is ldaps://host[:port] (or ldap:// for everything but passwords).
	URL string
	// RootCAs verify the server; nil means CAFile, else the system pool.
	RootCAs *x509.CertPool
	// CAFile is a PEM bundle read into RootCAs by New when RootCAs is nil.
	CAFile             string
	InsecureSkipVerify bool
	BindDN             string
	BindPassword       string
	BaseDN             string
	// DisabledUsersGroup, when set, is the DN of a group disabled accounts are added to.
	DisabledUsersGroup string
	Mapper             *mappers.Mapper
	CreateIfNotExists  bool
	// Binding says which accounts found by sAMAccountName or mail a write may adopt.
	Binding    connectors.Binding
	Operations Operations
	Timeout    time.Duration
	// MaxConnections bounds the connections the instance holds open (DefaultMaxConnections
	// when zero); operations beyond it wait for one.
	MaxConnections int
}

// Target is an Active Directory instance. It implements connectors.Target and
// connectors.Activator.
type Target struct {
	cfg Config
	// dial opens a bound connection: connect, or an in-memory directory in unit tests.
	dial func(context.Context) (conn, error)
	// conns are the bound connections between operations.
	conns *pool
}

var (
	_ connectors.Target             = (*Target)(nil)
	_ connectors.OneLookupActivator = (*Target)(nil)
)

// conn is what the connector asks of an LDAP connection: the methods of *ldap.Conn it calls,
// so that its rules can be tested over an in-memory directory as well as a real DC.
type conn interface {
	Search(*ldap.SearchRequest) (*ldap.SearchResult, error)
	Add(*ldap.AddRequest) error
	Modify(*ldap.ModifyRequest) error
	ModifyDN(*ldap.ModifyDNRequest) error
	Close() error
}

// New returns a target for cfg.
func New(cfg Config) (*Target, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ldaps" && u.Scheme != "ldap") || u.Host == "" {
		return nil, fmt.Errorf("active directory %q: url %q: want ldaps://host[:port]", cfg.Instance, cfg.URL)
	}
	if _, err := ldap.ParseDN(cfg.BaseDN); err != nil || cfg.BaseDN == "" {
		return nil, fmt.Errorf("active directory %q: base DN %q is not a DN", cfg.Instance, cfg.BaseDN)
	}
	if cfg.Mapper == nil {
		return nil, fmt.Errorf("active directory %q: no outgoing mapper", cfg.Instance)
	}
	if err := connectors.RequireBindingField(cfg.Mapper, EmployeeIDAttribute); err != nil {
		return nil, fmt.Errorf("active directory %q: %w", cfg.Instance, err)
	}
	if cfg.RootCAs == nil && cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("active directory %q: ca file: %w", cfg.Instance, err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("active directory %q: ca file %s holds no PEM certificate", cfg.Instance, cfg.CAFile)
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	t := &Target{cfg: cfg}
	t.dial = t.connect
	t.conns = newPool(cfg.MaxConnections, func(ctx context.Context) (conn, error) { return t.dial(ctx) })
	return t, nil
}

func (t *Target) ldaps() bool { return strings.HasPrefix(strings.ToLower(t.cfg.URL), "ldaps://") }

// timeout is the time one call may take: the instance's timeout, or less when ctx ends
// sooner.
func (t *Target) timeout(ctx context.Context) time.Duration {
	timeout := t.cfg.Timeout
	if d, ok := ctx.Deadline(); ok && time.Until(d) < timeout {
		timeout = time.Until(d)
	}
	return timeout
}

// connect dials and binds. Should ctx end before it is bound, the connection is closed,
// which fails the dial or bind in progress.
func (t *Target) connect(ctx context.Context) (conn, error) {
	timeout := t.timeout(ctx)
	if err := ctx.Err(); err != nil {
		return nil, classify("connect", err)
	}
	host := ""
	if u, err := url.Parse(t.cfg.URL); err == nil {
		host = u.Hostname()
	}
	lc, err := ldap.DialURL(t.cfg.URL,
		ldap.DialWithDialer(&net.Dialer{Timeout: timeout}),
		ldap.DialWithTLSConfig(&tls.Config{
			ServerName:         host,
			RootCAs:            t.cfg.RootCAs,
			InsecureSkipVerify: t.cfg.InsecureSkipVerify, //nolint:gosec // operator's explicit choice, for test DCs
			MinVersion:         tls.VersionTLS12,
		}))
	if err != nil {
		return nil, classify("connect to "+t.cfg.URL, err)
	}
	lc.SetTimeout(timeout)
	stop := context.AfterFunc(ctx, func() { _ = lc.Close() })
	err = lc.Bind(t.cfg.BindDN, t.cfg.BindPassword)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		_ = lc.Close()
		return nil, classify("bind as "+t.cfg.BindDN, err, t.cfg.BindPassword)
	}
	return lc, nil
}

// Ping connects, binds and closes, outside the pool: a configuration and connectivity check.
func (t *Target) Ping(ctx context.Context) error {
	c, err := t.dial(ctx)
	if err != nil {
		return err
	}
	return c.Close()
}

// errNoAccount is the error of an operation that needs an existing account.
var errNoAccount = &connectors.CodedError{Class: connectors.ErrNotFound, Message: connectors.ReasonNoAccount}
