// Package servicenow is a stand-in for ServiceNow's Table API (/api/now/table/sys_user):
// users kept in memory, so the ServiceNow connector and the flows above it can be tested
// without an instance. It reproduces the wire facts the connector depends on: Basic or
// OAuth bearer auth, the {"result": …} envelope, every value a string, 32-hex sys_ids, the
// encoded query language (sysparm_query: = != LIKE STARTSWITH ENDSWITH IN ISEMPTY
// ISNOTEMPTY, ^ AND, ^OR, ^NQ, ^^ for a literal caret, ORDERBY/ORDERBYDESC), paging with
// Link and X-Total-Count, sysparm_fields and sysparm_display_value, ServiceNow's error
// bodies, and a unique user_name.
//
// What it does not model: reference fields are stored as sent, so a reference's value and
// display value are the same text (sysparm_input_display_value is accepted and recorded,
// and changes nothing); tables other than sys_user; ACLs; business rules besides the
// computed name.
package servicenow

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Config says what the stand-in accepts: HTTP Basic with Username and Password, and, when
// Token is set, "Authorization: Bearer <Token>".
type Config struct {
	Username, Password, Token string
}

// Request is one request the stand-in received, authenticated or not.
type Request struct {
	Method, Path, RawQuery string
	Body                   []byte
}

// Server is an in-memory ServiceNow instance. It is an http.Handler and safe for
// concurrent use.
type Server struct {
	cfg Config
	mux *http.ServeMux

	mu         sync.Mutex // guards everything below
	users      map[string]map[string]string
	order      []string // sys_ids in creation order
	requests   []Request
	failNext   int
	failStatus int
}

// New returns an instance with no users.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, users: map[string]map[string]string{}}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET "+tablePath+"{table}", s.list)
	s.mux.HandleFunc("POST "+tablePath+"{table}", s.create)
	s.mux.HandleFunc("GET "+tablePath+"{table}/{sys_id}", s.get)
	s.mux.HandleFunc("PATCH "+tablePath+"{table}/{sys_id}", s.update)
	s.mux.HandleFunc("PUT "+tablePath+"{table}/{sys_id}", s.update)
	s.mux.HandleFunc("DELETE "+tablePath+"{table}/{sys_id}", s.delete)
	return s
}

// Start serves s (a new one accepting admin/secret when nil) over plain HTTP on a loopback
// port. With t the server is closed when the test ends; without, the caller closes it.
func Start(t testing.TB, s *Server) *httptest.Server {
	if s == nil {
		s = New(Config{Username: "admin", Password: "secret"})
	}
	srv := httptest.NewServer(s)
	if t != nil {
		t.Cleanup(srv.Close)
	}
	return srv
}

// FailNext makes the next n requests answer status with a ServiceNow error body (a 429
// carries Retry-After: 1), before authentication. FailNext(0, 0) cancels.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failStatus = n, status
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r
		out[i].Body = append([]byte(nil), r.Body...)
	}
	return out
}

// User returns a copy of the first user (in creation order) whose field has value;
// email and user_name compare case-insensitively, like the instance's database does.
func (s *Server) User(field, value string) (map[string]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order {
		u := s.users[id]
		if u[field] == value || (caseless(field) && strings.EqualFold(u[field], value)) {
			return clone(u), true
		}
	}
	return nil, false
}

// Users returns copies of every user in creation order.
func (s *Server) Users() []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]string, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, clone(s.users[id]))
	}
	return out
}

// AddUser inserts a user as a POST would (user_name unique, system fields filled in) and
// returns a copy of it; for seeding tests.
func (s *Server) AddUser(fields map[string]string) (map[string]string, error) {
	in := make(map[string]any, len(fields))
	for k, v := range fields {
		in[k] = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.insert(in, "admin")
	if err != nil {
		return nil, err
	}
	return clone(u), nil
}

func caseless(field string) bool { return field == "email" || field == "user_name" }

func clone(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// ServeHTTP records the request, applies FailNext, checks the credentials and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Exception while reading request", err.Error())
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: body})
	status := 0
	if s.failNext > 0 {
		s.failNext--
		status = s.failStatus
	}
	s.mu.Unlock()

	if status != 0 {
		s.fail(w, status)
		return
	}
	if s.caller(r) == "" {
		w.Header().Set("WWW-Authenticate", `BASIC realm="Service-now"`)
		writeError(w, http.StatusUnauthorized, "User Not Authenticated", "Required to provide Auth information")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// caller is the authenticated user name ("" when the credentials are wrong); a bearer
// token acts as the integration user "oauth.integration".
func (s *Server) caller(r *http.Request) string {
	if s.cfg.Token != "" {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
			subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.Token)) == 1 {
			return "oauth.integration"
		}
	}
	user, pass, ok := r.BasicAuth()
	if !ok || s.cfg.Username == "" {
		return ""
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.Username))
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.Password))
	if userOK&passOK != 1 {
		return ""
	}
	return user
}

// fail answers an injected failure with the body the instance gives for that status.
func (s *Server) fail(w http.ResponseWriter, status int) {
	switch status {
	case http.StatusBadRequest:
		writeError(w, status, "Invalid request", "Injected failure")
	case http.StatusUnauthorized:
		writeError(w, status, "User Not Authenticated", "Required to provide Auth information")
	case http.StatusForbidden:
		writeError(w, status, "User Not Authorized", "ACL restricts the record retrieval")
	case http.StatusNotFound:
		writeError(w, status, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
		writeError(w, status, "Too many requests", "Rate limit exceeded for the REST API rate limit rule")
	default:
		writeError(w, status, http.StatusText(status), "Injected failure")
	}
}

const contentType = "application/json;charset=UTF-8"

// writeError writes ServiceNow's error envelope.
func writeError(w http.ResponseWriter, status int, message, detail string) {
	var d any
	if detail != "" {
		d = detail
	}
	writeJSON(w, status, map[string]any{
		"error":  map[string]any{"message": message, "detail": d},
		"status": "failure",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// timestamp is how the Table API writes sys_created_on and sys_updated_on (UTC).
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }
