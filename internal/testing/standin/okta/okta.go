// Package okta is a stand-in for Okta's Management API (the v1 REST paths that
// okta-sdk-golang/v2 calls): users and their lifecycle, groups, apps, app assignments and
// the System Log, kept in memory. No Okta org is reachable from our machines, so the
// connector tests, the workflow integration tests, the log-poller benchmark and the local
// demo all run against this instead. It reproduces the wire facts our client code depends
// on (see /work/shared/reference/stand-ins.md §1–§2): SSWS auth, Okta error bodies and
// E-codes, one Link header per relation with absolute URLs, rate-limit headers on every
// answer and real 429s, the user state machine, and the System Log's polling semantics
// (a polling request always has a next link, even on an empty page).
//
// Every change, through HTTP or through the Go methods used for seeding, appends the
// System Log event real Okta would write, so a log poller sees the same stream either way.
package okta

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Config says what the stand-in accepts.
type Config struct {
	// Token is the API token; requests need "Authorization: SSWS <token>", else 401 E0000011.
	Token string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RateLimit is X-Rate-Limit-Limit per endpoint bucket per minute; 0 means 600.
	// Going over it gives a real 429.
	RateLimit int
}

// Server is an in-memory Okta org. It is an http.Handler and safe for concurrent use.
type Server struct {
	cfg Config
	mux *http.ServeMux
	rl  *rateLimiter
	log *eventLog

	mu        sync.Mutex // guards everything below; taken before log.mu
	users     map[string]*user
	userIDs   []string          // creation order
	logins    map[string]string // lower-cased login -> id
	apps      map[string]*app
	appIDs    []string
	groups    map[string]*group
	groupIDs  []string
	requests  int
	failNext  int
	failUntil time.Time
	throttled int
	reqSerial int
}

// New returns an empty org.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = 600
	}
	s := &Server{
		cfg:    cfg,
		users:  map[string]*user{},
		logins: map[string]string{},
		apps:   map[string]*app{},
		groups: map[string]*group{},
		log:    &eventLog{},
	}
	s.rl = newRateLimiter(cfg.RateLimit)
	s.routes()
	return s
}

// Start serves s (a new one with token "test-token" when nil) over TLS on a local port,
// as okta-sdk-golang wants an https org URL. With t the server is closed when the test
// ends; without, the caller closes it. Give the SDK srv.URL and srv.Client().
func Start(t testing.TB, s *Server) *httptest.Server {
	if s == nil {
		s = New(Config{Token: "test-token"})
	}
	srv := httptest.NewTLSServer(s)
	if t != nil {
		t.Cleanup(srv.Close)
	}
	return srv
}

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

// Requests is the number of API requests served so far (429s included, 401s too).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// FailNext makes the next n API requests fail with 429 E0000047, as if the rate limit
// had been hit, with X-Rate-Limit-Remaining 0 and X-Rate-Limit-Reset one second ahead.
// It replaces any count left from an earlier call; FailNext(0) cancels.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// FailUntil makes every API request fail with 429 E0000047, as FailNext does, until the
// stand-in's clock reaches t: an org whose rate limit stays exhausted for a while. A zero
// or past t cancels.
func (s *Server) FailUntil(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failUntil = t
}

// Throttled is the number of requests answered with a forced 429 (FailNext, FailUntil).
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// ServeHTTP checks the token, counts the request against its rate-limit bucket, then
// routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	s.mu.Lock()
	s.requests++
	s.reqSerial++
	fail := s.failNext > 0 || now.Before(s.failUntil)
	if s.failNext > 0 {
		s.failNext--
	}
	if fail {
		s.throttled++
	}
	s.mu.Unlock()

	h := w.Header()
	h.Set("X-Okta-Request-Id", requestID())
	// The SDK computes its 429 back-off as X-Rate-Limit-Reset minus Date, so both come
	// from the same clock.
	h.Set("Date", now.Format(http.TimeFormat))

	_, pattern := s.mux.Handler(r)
	bucket := pattern
	if bucket == "" {
		bucket = r.Method + " " + r.URL.Path
	}
	limit, remaining, reset, ok := s.rl.take(bucket, now)
	if fail {
		remaining, reset, ok = 0, now.Add(time.Second), false
	}
	setRateHeaders(h, limit, remaining, reset)

	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, errInvalidToken())
		return
	}
	if !ok {
		writeError(w, http.StatusTooManyRequests, errRateLimit())
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) authorized(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	tok, found := strings.CutPrefix(a, "SSWS ")
	return found && s.cfg.Token != "" && tok == s.cfg.Token
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v1/users", s.listUsers)
	m.HandleFunc("POST /api/v1/users", s.createUser)
	m.HandleFunc("GET /api/v1/users/{id}", s.onUser(s.getUser))
	m.HandleFunc("POST /api/v1/users/{id}", s.onUser(s.updateUser(false)))
	m.HandleFunc("PUT /api/v1/users/{id}", s.onUser(s.updateUser(true)))
	m.HandleFunc("DELETE /api/v1/users/{id}", s.onUser(s.deleteUser))
	m.HandleFunc("POST /api/v1/users/{id}/lifecycle/{op}", s.onUser(s.lifecycle))
	m.HandleFunc("GET /api/v1/users/{id}/groups", s.onUser(s.listUserGroups))

	m.HandleFunc("GET /api/v1/groups", s.listGroups)
	m.HandleFunc("POST /api/v1/groups", s.createGroup)
	m.HandleFunc("GET /api/v1/groups/{g}", s.getGroup)
	m.HandleFunc("GET /api/v1/groups/{g}/users", s.listGroupUsers)
	m.HandleFunc("PUT /api/v1/groups/{g}/users/{u}", s.groupMembership(true))
	m.HandleFunc("DELETE /api/v1/groups/{g}/users/{u}", s.groupMembership(false))

	m.HandleFunc("GET /api/v1/apps", s.listApps)
	m.HandleFunc("GET /api/v1/apps/{app}", s.getApp)
	m.HandleFunc("GET /api/v1/apps/{app}/users", s.listAppUsers)
	m.HandleFunc("POST /api/v1/apps/{app}/users", s.assignAppUser)
	m.HandleFunc("GET /api/v1/apps/{app}/users/{u}", s.getAppUser)
	m.HandleFunc("POST /api/v1/apps/{app}/users/{u}", s.updateAppUser)
	m.HandleFunc("DELETE /api/v1/apps/{app}/users/{u}", s.unassignAppUser)

	m.HandleFunc("GET /api/v1/logs", s.getLogs)

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
			other := r.Clone(r.Context())
			other.Method = method
			if _, p := m.Handler(other); p != "/" {
				writeError(w, http.StatusMethodNotAllowed,
					newError("E0000022", "The endpoint does not support the provided HTTP method"))
				return
			}
		}
		writeError(w, http.StatusNotFound, errNotFound(r.URL.Path))
	})
	s.mux = m
}
