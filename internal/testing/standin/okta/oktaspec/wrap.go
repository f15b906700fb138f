package oktaspec

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

var options = &openapi3filter.Options{
	AuthenticationFunc:         openapi3filter.NoopAuthenticationFunc,
	ExcludeReadOnlyValidations: true, // see exceptions.go
	IncludeResponseStatus:      true,
	MultiError:                 true,
}

// Wrap returns h with every request and response checked against the spec; each
// violation is a t.Errorf naming the method, the path and the problem. Requests and
// answers pass through unchanged, whatever the verdict.
func (s *Spec) Wrap(t testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			t.Errorf("oktaspec: %s %s: reading the request body: %v", r.Method, r.URL.Path, err)
		}
		in := s.checkRequest(t, r, body)

		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		h.ServeHTTP(rec, r)

		if in != nil {
			s.checkResponse(t, in, rec)
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	})
}

// checkRequest validates the request and returns its validation input, or nil when the
// route is unknown.
func (s *Spec) checkRequest(t testing.TB, r *http.Request, body []byte) *openapi3filter.RequestValidationInput {
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	if req.URL.Host == "" {
		req.URL.Host = r.Host
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		t.Errorf("oktaspec: %s %s: not in the Okta API spec: %v", r.Method, r.URL.Path, err)
		return nil
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: options}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		report(t, "request", r.Method, route.Path, err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return in
}

func (s *Spec) checkResponse(t testing.TB, in *openapi3filter.RequestValidationInput, rec *recorder) {
	method, path := in.Request.Method, in.Route.Path
	body := rec.body.Bytes()
	if len(body) > 0 && !strings.Contains(rec.header.Get("Content-Type"), "application/json") {
		t.Errorf("oktaspec: %s %s: response: %d with a body but Content-Type %q", method, path, rec.status, rec.header.Get("Content-Type"))
	}
	if rec.status >= 400 {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Errorf("oktaspec: %s %s: response %d: error body is not JSON: %v", method, path, rec.status, err)
			return
		}
		if err := s.errSch.VisitJSON(v, openapi3.MultiErrors()); err != nil {
			report(t, "error response", method, path, err)
		}
		return
	}
	status := rec.status
	if alias, ok := statusAliases[method+" "+path][status]; ok {
		status = alias
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 rec.header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                options,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		report(t, "response", method, path, err)
	}
}

// report gives each violation its own line, cut short: kin-openapi's messages quote
// whole schemas.
func report(t testing.TB, what, method, path string, err error) {
	errs := []error{err}
	if me, ok := err.(openapi3.MultiError); ok {
		errs = me
	}
	for _, e := range errs {
		msg := e.Error()
		if len(msg) > 500 {
			msg = msg[:500] + "…"
		}
		t.Errorf("oktaspec: %s %s: %s: %s", method, path, what, msg)
	}
}

// recorder holds the handler's answer until it has been checked.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}
