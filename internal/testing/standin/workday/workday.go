// Package workday is a stand-in for Workday's Report-as-a-Service (RaaS): it serves one
// custom report as JSON at the path Workday uses, behind HTTP Basic auth, so the Workday
// connector and the pipelines above it can be tested without a tenant. The report can be
// replaced while it runs, to move people through their lifecycle, and can be made to
// fail the ways a real one does.
package workday

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// ReportPath is where a RaaS report lives under the Workday host.
const ReportPath = "/ccx/service/customreport2/"

// Config says what the stand-in accepts.
type Config struct {
	Username, Password string
	// Tenant, Owner and Report, when set, are the only report path served (404 for the
	// others); empty means any.
	Tenant, Owner, Report string
}

// Fault makes the next answers misbehave. The zero Fault is a healthy server.
type Fault struct {
	// Status, when not zero, is answered with Body instead of the report.
	Status int
	Body   string
	// Truncate, when above zero, cuts the report after that many bytes, with no HTTP
	// error: only the JSON shows it.
	Truncate int
	// Delay holds the answer back, or until the client gives up.
	Delay time.Duration
	// Trickle, when above zero, spreads the report over that long, a few bytes at a time:
	// a slow download that never stalls for long.
	Trickle time.Duration
}

// Handler is the stand-in's http.Handler.
type Handler struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex
	report   []byte
	fault    Fault
	requests int
	attempts int
}

// New returns a stand-in serving an empty report.
func New(cfg Config) *Handler {
	h := &Handler{cfg: cfg, report: []byte(`{"Report_Entry":[]}`)}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET "+ReportPath+"{tenant}/{owner}/{report}", h.serveReport)
	return h
}

// Start serves h (a new default one when nil) on a local port. With t the server is
// closed when the test ends; without, the caller closes it.
func Start(t testing.TB, h *Handler) *httptest.Server {
	if h == nil {
		h = New(Config{Username: "ilm-isu", Password: "secret"})
	}
	srv := httptest.NewServer(h)
	if t != nil {
		t.Cleanup(srv.Close)
	}
	return srv
}

// URL is the report URL under base (an httptest.Server's URL), with format=json.
func (h *Handler) URL(base string) string {
	tenant, owner, report := h.cfg.Tenant, h.cfg.Owner, h.cfg.Report
	if tenant == "" {
		tenant = "ilm_tenant"
	}
	if owner == "" {
		owner = "ilm-isu"
	}
	if report == "" {
		report = "ILM_Workers"
	}
	return base + ReportPath + tenant + "/" + owner + "/" + report + "?format=json"
}

// SetReport replaces the report with these rows.
func (h *Handler) SetReport(rows []map[string]any) error {
	if rows == nil {
		rows = []map[string]any{}
	}
	b, err := json.Marshal(map[string]any{"Report_Entry": rows})
	if err != nil {
		return fmt.Errorf("workday stand-in: report: %w", err)
	}
	h.SetReportJSON(b)
	return nil
}

// SetReportJSON replaces the report with a document served as is, valid or not.
func (h *Handler) SetReportJSON(doc []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.report = append([]byte(nil), doc...)
}

// SetFault makes the following requests misbehave; SetFault(Fault{}) heals the server.
func (h *Handler) SetFault(f Fault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fault = f
}

// Requests counts the report requests that passed authentication.
func (h *Handler) Requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests
}

// Attempts counts every request, with good credentials, bad ones or none: a test that
// expects nothing sent to the stand-in checks it is zero.
func (h *Handler) Attempts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.attempts
}

// CredentialFiles writes the stand-in's username and password to files of the test's, for
// an instance's username_file and password_file.
func (h *Handler) CredentialFiles(t testing.TB) (userFile, passFile string) {
	t.Helper()
	dir := t.TempDir()
	userFile, passFile = filepath.Join(dir, "username"), filepath.Join(dir, "password")
	for file, value := range map[string]string{userFile: h.cfg.Username, passFile: h.cfg.Password} {
		if err := os.WriteFile(file, []byte(value), 0o600); err != nil {
			t.Fatalf("workday stand-in: credential file: %v", err)
		}
	}
	return userFile, passFile
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.attempts++
	h.mu.Unlock()
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) serveReport(w http.ResponseWriter, r *http.Request) {
	for _, p := range [][2]string{{"tenant", h.cfg.Tenant}, {"owner", h.cfg.Owner}, {"report", h.cfg.Report}} {
		if p[1] != "" && r.PathValue(p[0]) != p[1] {
			http.NotFound(w, r)
			return
		}
	}
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Workday"`)
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	if f := r.URL.Query().Get("format"); f != "json" {
		http.Error(w, fmt.Sprintf("format %q is not served by this stand-in: use format=json", f), http.StatusBadRequest)
		return
	}

	h.mu.Lock()
	h.requests++
	report, fault := h.report, h.fault
	h.mu.Unlock()

	if fault.Delay > 0 {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if fault.Status != 0 {
		http.Error(w, fault.Body, fault.Status)
		return
	}
	if fault.Truncate > 0 && fault.Truncate < len(report) {
		report = report[:fault.Truncate]
	}
	w.Header().Set("Content-Type", "application/json")
	if fault.Trickle <= 0 {
		_, _ = w.Write(report)
		return
	}
	trickle(w, r, report, fault.Trickle)
}

// trickleChunks is how many pieces a trickled report is sent in.
const trickleChunks = 50

// trickle writes report in pieces spread over d, flushing each, until the client gives up.
func trickle(w http.ResponseWriter, r *http.Request, report []byte, d time.Duration) {
	flusher, _ := w.(http.Flusher)
	size := max(1, (len(report)+trickleChunks-1)/trickleChunks)
	pause := d / time.Duration((len(report)+size-1)/size)
	for len(report) > 0 {
		n := min(size, len(report))
		if _, err := w.Write(report[:n]); err != nil {
			return
		}
		report = report[n:]
		if flusher != nil {
			flusher.Flush()
		}
		select {
		case <-time.After(pause):
		case <-r.Context().Done():
			return
		}
	}
}

func (h *Handler) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(h.cfg.Username))
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(h.cfg.Password))
	return userOK&passOK == 1
}
