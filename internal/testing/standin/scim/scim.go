// Package scim is a stand-in for the SCIM 2.0 service providers ILM provisions into: a
// generic RFC 7643/7644 app, GitHub Enterprise Managed Users and Slack. No such app is
// reachable from our machines, so ILM's SCIM connector is tested against this instead.
//
// The protocol itself (routing, schema validation, PATCH parsing, filter parsing, list
// and error bodies) is github.com/elimity-com/scim; this package adds what that library
// leaves to its users and what the vendors do differently (see
// /work/shared/reference/stand-ins.md §4): in-memory Users and Groups with case-insensitive
// userName uniqueness, stable paging, filtering and PATCH application, bearer-token auth,
// and one shim per vendor for its base path, headers, DELETE semantics and rate limits.
// Every request is recorded so tests can assert what the client sent (PATCH or PUT,
// never DELETE to GitHub, its User-Agent, how often it read /Schemas). Leniently, as the
// library does, attributes the schemas do not declare are dropped from POST and PUT bodies;
// strict (Config.Strict, strict.go), they are refused, as real apps refuse them.
package scim

import (
	"bytes"
	"crypto/subtle"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Vendors understood by Config.Vendor.
const (
	Generic = "generic"
	GitHub  = "github"
	Slack   = "slack"
)

// Config says which app the stand-in plays and what it accepts.
type Config struct {
	// Vendor is "generic" (the default), "github" or "slack": which shim wraps the server.
	Vendor string
	// Token is the bearer token every request needs ("Authorization: Bearer <token>"),
	// else 401 with a SCIM Error body. An empty Token lets no request in.
	Token string
	// Enterprise is GitHub's {enterprise} in /scim/v2/enterprises/{enterprise}; "acme"
	// when empty. Other vendors ignore it.
	Enterprise string
	// NoPatch plays a PUT-only app: ServiceProviderConfig says patch.supported=false and
	// every PATCH is answered 501 Not Implemented, the status RFC 7644 §3.12 gives for
	// "service provider does not support the request operation, e.g., PATCH".
	NoPatch bool
	// NoEnterpriseExtension plays an app whose User resource type declares no schema
	// extension, which RFC 7643 leaves optional and many apps do: /ResourceTypes lists
	// none and /Schemas lacks the enterprise User schema. A PATCH path or value into the
	// extension is then 400 invalidPath or invalidValue (the library's validation); a POST
	// or PUT carrying it loses it silently, or with Strict is 400 invalidValue.
	// SetEnterpriseExtension changes this while serving.
	NoEnterpriseExtension bool
	// Strict refuses, as real apps do, what the app's schemas do not declare instead of
	// dropping it: an attribute, sub-attribute, extension or schemas URN of a POST or PUT
	// body, or of a PATCH value, is 400 invalidValue; a PATCH path is 400 invalidPath
	// (RFC 7644 §3.12 errors with their scimType and a detail naming the attribute).
	Strict bool
	// NoDiscovery plays an app without the schema discovery endpoints: /Schemas and
	// /ResourceTypes answer 404 (ServiceProviderConfig still answers).
	NoDiscovery bool
}

// Request is one request as the stand-in received it.
type Request struct {
	Method    string
	Path      string // the full URL path, base path included (e.g. /scim/v2/Users/{id})
	RawQuery  string
	UserAgent string
	Body      []byte
}

// Server is an in-memory SCIM service provider. It is an http.Handler and safe for
// concurrent use.
type Server struct {
	cfg  Config
	base string // URL path prefix of the SCIM base URL, e.g. /scim/v2

	mu         sync.Mutex // guards everything below
	users      *collection
	groups     *collection
	requests   []Request
	deleted    []string
	failN      int
	failStatus int
	origin     string // scheme://host of the latest request, for meta.location
	rate       rateWindow
	enterprise bool // the User resource type declares the enterprise extension
}

// New returns an empty service provider. It panics on an unknown Vendor.
func New(cfg Config) *Server {
	switch cfg.Vendor {
	case "":
		cfg.Vendor = Generic
	case Generic, GitHub, Slack:
	default:
		panic("scim stand-in: unknown Vendor " + cfg.Vendor)
	}
	if cfg.Enterprise == "" {
		cfg.Enterprise = "acme"
	}
	s := &Server{
		cfg:    cfg,
		base:   "/scim/v2",
		users:  newCollection("User"),
		groups: newCollection("Group"),

		enterprise: !cfg.NoEnterpriseExtension,
	}
	if cfg.Vendor == GitHub {
		s.base = "/scim/v2/enterprises/" + cfg.Enterprise
	}
	return s
}

// Start serves s (a new generic one with token "test-token" when nil) over plain HTTP
// on a loopback port. With t the server is closed when the test ends; without, the
// caller closes it. Give the client s.BaseURL(srv.URL).
func Start(t testing.TB, s *Server) *httptest.Server {
	if s == nil {
		s = New(Config{Token: "test-token"})
	}
	srv := httptest.NewServer(s)
	if t != nil {
		t.Cleanup(srv.Close)
	}
	return srv
}

// BaseURL is the SCIM base URL under serverURL (an httptest.Server's URL): serverURL +
// "/scim/v2" for generic and slack, serverURL + "/scim/v2/enterprises/<enterprise>" for
// github.
func (s *Server) BaseURL(serverURL string) string {
	return strings.TrimRight(serverURL, "/") + s.base
}

// Requests returns every request received so far, in order (401s and injected failures
// included).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

// Deleted returns the userNames of users hard-deleted so far (DELETE on generic and
// github). Slack's DELETE only deactivates, so it never shows here.
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

// SetEnterpriseExtension declares the enterprise User extension, or stops declaring it, from
// the next request on, as an app's administrator may. Users keep what they stored; while
// the extension is not declared, it is left out of what the app answers.
func (s *Server) SetEnterpriseExtension(declared bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enterprise = declared
}

func (s *Server) declaresEnterprise() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enterprise
}

// FailNext makes the next n requests fail with status and a SCIM Error body, before
// auth is checked. A 429 carries Retry-After: 1, and on github also
// X-RateLimit-Remaining: 0 and X-RateLimit-Reset one second ahead. It replaces any count
// left from an earlier call; FailNext(0, 0) cancels.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failStatus = n, status
}

// ServeHTTP records the request, applies injected failures and the token check, then
// hands it to the vendor shim.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	now := time.Now()

	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		UserAgent: r.UserAgent(), Body: body,
	})
	s.origin = "http://" + r.Host
	fail, status := s.failN > 0, s.failStatus
	if fail {
		s.failN--
	}
	var limit, remaining int
	var reset time.Time
	if s.cfg.Vendor == GitHub {
		limit, remaining, reset = s.rate.take(now)
	}
	s.mu.Unlock()

	h := w.Header()
	h.Set("Content-Type", contentType)
	if s.cfg.Vendor == GitHub {
		if fail && status == http.StatusTooManyRequests {
			remaining, reset = 0, now.Add(time.Second)
		}
		setGitHubRateHeaders(h, limit, remaining, reset)
	}
	if fail {
		if status == http.StatusTooManyRequests {
			h.Set("Retry-After", "1")
		}
		writeError(w, status, "Injected failure: "+http.StatusText(status)+".")
		return
	}
	// GitHub's REST API refuses a request without a User-Agent, before looking at its
	// token, with 403 Forbidden ("Request forbidden by administrative rules. Please make
	// sure your request has a User-Agent header"): a policy refusal, not a malformed
	// request, hence 403 rather than 400.
	if s.cfg.Vendor == GitHub && r.UserAgent() == "" {
		writeError(w, http.StatusForbidden, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header.")
		return
	}
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "Authorization failure. The authorization header is invalid or missing.")
		return
	}
	s.serve(w, r, "http://"+r.Host)
}

func (s *Server) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && s.cfg.Token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) == 1
}
