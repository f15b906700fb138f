package workday

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// recorder is a server that answers an empty report and keeps the Authorization header
// of every request it gets.
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func newRecorder(t *testing.T) *recorder {
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.auths = append(rec.auths, r.Header.Get("Authorization"))
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Report_Entry":[]}`))
	}))
	t.Cleanup(rec.Close)
	return rec
}

// requests returns the Authorization headers received, "" for a request without one.
func (rec *recorder) requests() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.auths...)
}

// A redirect to another port, host or scheme is followed without the credentials.
func TestCredentialsStayWithTheReportHost(t *testing.T) {
	other := newRecorder(t)
	configured := newRecorder(t)
	configured.Config.Handler = http.RedirectHandler(other.URL+"/moved?format=json", http.StatusFound)

	_, err := collect(t, New(Config{ReportURL: configured.URL + "/r?format=json", Username: isuUser, Password: isuPass}))
	if err != nil {
		t.Fatal(err)
	}
	if got := other.requests(); len(got) != 1 || got[0] != "" {
		t.Fatalf("the other host got Authorization %q, want one request without it", got)
	}
}

// Credentials never travel in clear to a host that is not loopback: the read is refused
// before anything is sent.
func TestCredentialsNeverOverPlainHTTP(t *testing.T) {
	rec := newRecorder(t)
	// Every host name leads to the recorder, as a DNS answer would.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, rec.Listener.Addr().String())
	}
	hc := &http.Client{Transport: tr}
	port := rec.Listener.Addr().(*net.TCPAddr).Port

	for name, cfg := range map[string]Config{
		"configured credentials": {ReportURL: "http://wd.example.com:" + strconv.Itoa(port) + "/r?format=json", Username: isuUser, Password: isuPass},
		"user info in the URL":   {ReportURL: "http://" + isuUser + ":" + isuPass + "@wd.example.com:" + strconv.Itoa(port) + "/r?format=json"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.HTTPClient = hc
			_, err := collect(t, New(cfg))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "only over https") {
				t.Fatalf("error %v, want ErrInvalid saying https", err)
			}
			if strings.Contains(err.Error(), isuPass) {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
	if got := rec.requests(); len(got) != 0 {
		t.Fatalf("the server got %d requests (Authorization %q), want none", len(got), got)
	}

	// A report that needs no credentials may still be read over plain http.
	if _, err := collect(t, New(Config{ReportURL: "http://wd.example.com:" + strconv.Itoa(port) + "/r?format=json", HTTPClient: hc})); err != nil {
		t.Fatal(err)
	}
	if got := rec.requests(); len(got) != 1 || got[0] != "" {
		t.Fatalf("Authorization %q, want one request without it", got)
	}
}

func TestSafeScheme(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://wd5-services1.myworkday.com/ccx": true,
		"http://127.0.0.1:8080/r":                 true,
		"http://127.0.0.2/r":                      true,
		"http://[::1]:8080/r":                     true,
		"http://LOCALHOST:8080/r":                 true,
		"http://wd5-services1.myworkday.com/ccx":  false,
		"http://10.0.0.5/r":                       false,
		"http://localhost.example.com/r":          false,
		"ftp://127.0.0.1/r":                       false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := safeScheme(u); got != want {
			t.Errorf("safeScheme(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestOrigin(t *testing.T) {
	for raw, want := range map[string]string{
		"https://WD.example.com/r":      "https://wd.example.com:443",
		"https://wd.example.com:443/r":  "https://wd.example.com:443",
		"http://wd.example.com/r":       "http://wd.example.com:80",
		"https://wd.example.com:8443/r": "https://wd.example.com:8443",
		"http://[::1]:9/r":              "http://[::1]:9",
	} {
		u, _ := url.Parse(raw)
		if got := origin(u); got != want {
			t.Errorf("origin(%s) = %s, want %s", raw, got, want)
		}
	}
}
