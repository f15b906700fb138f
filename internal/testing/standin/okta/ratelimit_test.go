package okta_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
)

// headerLog records the headers of every request that reaches the stand-in.
type headerLog struct {
	mu  sync.Mutex
	got []http.Header
}

func (l *headerLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.got = append(l.got, r.Header.Clone())
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func TestFailNextRetried(t *testing.T) {
	o := newOrg(t)
	var hl headerLog
	srv := httptest.NewTLSServer(hl.wrap(o.srv.Config.Handler))
	t.Cleanup(srv.Close)
	c := client(t, srv, "test-token")
	u := o.createUser(t, "ada@example.com", true)

	o.s.FailNext(1)
	if _, _, err := c.User.GetUser(context.Background(), u.Id); err != nil {
		t.Fatalf("GetUser after one 429: %v", err)
	}
	if len(hl.got) != 2 || hl.got[1].Get("X-Okta-Retry-For") == "" || hl.got[1].Get("X-Okta-Retry-Count") != "1" {
		t.Errorf("retry headers: %v", hl.got)
	}

	o.s.FailNext(5)
	_, _, err := c.User.GetUser(context.Background(), u.Id)
	// The SDK drains the last 429's body and reports "too many requests" after 2 retries.
	if err == nil || len(hl.got) != 5 {
		t.Errorf("after 3 of 5 429s: %v, %d requests", err, len(hl.got))
	}
	resp := raw(t, srv, "/api/v1/users/"+u.Id)
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	reset, _ := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64)
	date, _ := http.ParseTime(resp.Header.Get("Date"))
	if resp.StatusCode != 429 || body["errorCode"] != "E0000047" || resp.Header.Get("X-Rate-Limit-Remaining") != "0" ||
		reset < date.Unix() || reset > date.Unix()+2 {
		t.Errorf("429: %d %v headers %v", resp.StatusCode, body, resp.Header)
	}
	o.s.FailNext(0)
	if resp := raw(t, srv, "/api/v1/users/"+u.Id); resp.StatusCode != 200 {
		t.Errorf("FailNext(0) left %d", resp.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := standin.New(standin.Config{Token: "test-token", RateLimit: 2, Now: func() time.Time { return now }})
	srv := standin.Start(t, s)
	for i, want := range []int{200, 200, 429} {
		resp := raw(t, srv, "/api/v1/users")
		if resp.StatusCode != want || resp.Header.Get("X-Rate-Limit-Limit") != "2" ||
			resp.Header.Get("X-Rate-Limit-Reset") != strconv.FormatInt(now.Add(time.Minute).Unix(), 10) ||
			resp.Header.Get("X-Okta-Request-Id") == "" {
			t.Errorf("request %d: %d %v", i, resp.StatusCode, resp.Header)
		}
	}
	if resp := raw(t, srv, "/api/v1/logs"); resp.StatusCode != 200 {
		t.Errorf("another endpoint's bucket: %d", resp.StatusCode)
	}
	if s.Requests() != 4 {
		t.Errorf("Requests() = %d", s.Requests())
	}
}

func raw(t *testing.T, srv *httptest.Server, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Authorization", "SSWS test-token")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestConcurrentUse runs writers and a log poller at once, for -race.
func TestConcurrentUse(t *testing.T) {
	s := standin.New(standin.Config{Token: "test-token"})
	srv := standin.Start(t, s)
	app := s.AddApp("github", "GitHub")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				u, err := s.CreateUser(map[string]any{"login": strconv.Itoa(w) + "-" + strconv.Itoa(i) + "@example.com"}, true)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Assign(app.ID, u.ID); err != nil {
					t.Error(err)
				}
				_ = raw(t, srv, "/api/v1/logs?limit=50")
			}
		})
	}
	wg.Wait()
	if n := len(s.Events()); n != 1+4*25*3 {
		t.Errorf("%d events, want %d", n, 1+4*25*3)
	}
}

func TestUnknownRoutes(t *testing.T) {
	srv := standin.Start(t, nil)
	for path, want := range map[string]int{"/api/v1/nope": 404, "/api/v1/users": 200} {
		if resp := raw(t, srv, path); resp.StatusCode != want || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	req, _ := http.NewRequest("PATCH", srv.URL+"/api/v1/users/00u1", nil)
	req.Header.Set("Authorization", "SSWS test-token")
	resp, err := srv.Client().Do(req)
	if err != nil || resp.StatusCode != 405 {
		t.Errorf("PATCH: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

// FailUntil answers every request with 429 until the stand-in's clock reaches the time,
// then serves again; Throttled counts the forced 429s.
func TestFailUntil(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := standin.New(standin.Config{Token: "test-token", Now: func() time.Time { return now }})
	srv := standin.Start(t, s)
	s.FailUntil(now.Add(2 * time.Minute))
	for _, step := range []time.Duration{0, time.Minute, 119 * time.Second} {
		now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(step)
		if resp := raw(t, srv, "/api/v1/users"); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("at +%v: %d, want 429", step, resp.StatusCode)
		}
	}
	now = now.Add(time.Second)
	if resp := raw(t, srv, "/api/v1/users"); resp.StatusCode != http.StatusOK {
		t.Errorf("at the end of the window: %d, want 200", resp.StatusCode)
	}
	if got := s.Throttled(); got != 3 {
		t.Errorf("Throttled() = %d, want 3", got)
	}
	if _, err := s.CreateUser(map[string]any{"login": "ada@example.com", "email": "ada@example.com"}, true); err != nil {
		t.Fatal(err)
	}
	if us := s.Users(); len(us) != 1 || us[0].Profile["login"] != "ada@example.com" {
		t.Errorf("Users() = %+v", us)
	}
}
