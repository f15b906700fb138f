package oktaspec_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ilm-dev/ilm/internal/testing/standin/okta/oktaspec"
)

// recordingTB keeps what Wrap reports instead of failing the test.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Helper() {}

// check sends one request through Wrap around a handler answering status and body,
// and returns what was reported, plus the body the handler saw and the client got.
func check(t *testing.T, method, target, reqBody string, status int, body string) (errs []string, seen, got string) {
	t.Helper()
	rec := &recordingTB{TB: t}
	h := oktaspec.Load(t).Wrap(rec, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = string(b)
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	req := httptest.NewRequest(method, target, strings.NewReader(reqBody))
	if reqBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "SSWS x")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return rec.errors, seen, w.Body.String()
}

func TestWrapAcceptsGoodTraffic(t *testing.T) {
	user := `{"id":"00u1","status":"ACTIVE","created":"2024-01-02T03:04:05.000Z","profile":{"login":"a@example.com","email":"a@example.com"}}`
	errs, seen, got := check(t, "POST", "/api/v1/users?activate=true", `{"profile":{"login":"a@example.com","email":"a@example.com"}}`, 200, user)
	if len(errs) != 0 {
		t.Errorf("reported %v", errs)
	}
	if !strings.Contains(seen, `"login":"a@example.com"`) || got != user {
		t.Errorf("body changed on the way: handler saw %q, client got %q", seen, got)
	}
	logs := `[{"uuid":"u1","version":"0","published":"2024-01-02T03:04:05.000Z","outcome":{"result":"SUCCESS","reason":null},` +
		`"target":[{"id":"00u1","type":"User","detailEntry":null}],"debugContext":{"debugData":{"requestId":"r1"}}}]`
	if errs, _, _ := check(t, "GET", "/api/v1/logs?limit=10", "", 200, logs); len(errs) != 0 {
		t.Errorf("log page reported %v", errs)
	}
	oktaErr := `{"errorCode":"E0000007","errorSummary":"Not found","errorLink":"E0000007","errorId":"oae1","errorCauses":[]}`
	if errs, _, _ := check(t, "GET", "/api/v1/users/00u2", "", 404, oktaErr); len(errs) != 0 {
		t.Errorf("error body reported %v", errs)
	}
	if errs, _, _ := check(t, "DELETE", "/api/v1/users/00u2", "", 204, ""); len(errs) != 0 {
		t.Errorf("DELETE 204 reported %v", errs)
	}
}

func TestWrapReportsViolations(t *testing.T) {
	tests := []struct {
		name, method, target, reqBody string
		status                        int
		body, want                    string
	}{
		{"unknown path", "GET", "/api/v1/nope", "", 404, "", "not in the Okta API spec"},
		{"wrong method", "PATCH", "/api/v1/users/00u1", "", 200, "", "not in the Okta API spec"},
		{"bad query type", "GET", "/api/v1/logs?limit=ten", "", 200, "[]", `parameter "limit"`},
		{"body breaks the schema", "GET", "/api/v1/users/00u1", "", 200, `{"id":"00u1","status":"HAPPY"}`, "response"},
		{"number where a string belongs", "GET", "/api/v1/logs", "", 200, `[{"version":0}]`, "version"},
		{"undeclared status", "GET", "/api/v1/users/00u1", "", 201, `{}`, "status"},
		{"bad error body", "GET", "/api/v1/users/00u1", "", 404, `{"message":"nope"}`, "errorCode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs, _, _ := check(t, tc.method, tc.target, tc.reqBody, tc.status, tc.body)
			if len(errs) == 0 {
				t.Fatalf("nothing reported, want %q", tc.want)
			}
			joined := strings.Join(errs, "\n")
			if !strings.Contains(joined, tc.want) || !strings.Contains(joined, tc.method) {
				t.Errorf("reported %q, want it to name %s and %q", joined, tc.method, tc.want)
			}
		})
	}
}
