package workday

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url, user, pass string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestServesReport(t *testing.T) {
	h := New(Config{Username: "isu", Password: "pw", Tenant: "acme", Owner: "isu", Report: "Workers"})
	srv := Start(t, h)
	url := h.URL(srv.URL)
	if want := srv.URL + "/ccx/service/customreport2/acme/isu/Workers?format=json"; url != want {
		t.Fatalf("URL = %q, want %q", url, want)
	}

	resp, body := get(t, url, "isu", "pw")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || body != `{"Report_Entry":[]}` {
		t.Fatalf("empty report: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	if err := h.SetReport([]map[string]any{{"Emp_ID": "1001", "Has_Sabbatical": "0", "Phone": nil}}); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, url, "isu", "pw")
	var doc struct{ Report_Entry []map[string]any }
	if err := json.Unmarshal([]byte(body), &doc); err != nil || len(doc.Report_Entry) != 1 || doc.Report_Entry[0]["Emp_ID"] != "1001" {
		t.Fatalf("report after SetReport: %q (%v)", body, err)
	}
	if h.Requests() != 2 {
		t.Errorf("Requests() = %d, want 2", h.Requests())
	}
}

func TestRejects(t *testing.T) {
	h := New(Config{Username: "isu", Password: "pw", Tenant: "acme"})
	srv := Start(t, h)
	base := srv.URL + ReportPath

	tests := []struct {
		name, url, user, pass string
		status                int
	}{
		{"no credentials", base + "acme/isu/R?format=json", "", "", http.StatusUnauthorized},
		{"wrong password", base + "acme/isu/R?format=json", "isu", "nope", http.StatusUnauthorized},
		{"wrong user", base + "acme/isu/R?format=json", "other", "pw", http.StatusUnauthorized},
		{"no format", base + "acme/isu/R", "isu", "pw", http.StatusBadRequest},
		{"xml", base + "acme/isu/R?format=simplexml", "isu", "pw", http.StatusBadRequest},
		{"other tenant", base + "other/isu/R?format=json", "isu", "pw", http.StatusNotFound},
		{"not a report path", srv.URL + "/ccx/service/Human_Resources", "isu", "pw", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, tt.url, tt.user, tt.pass)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") != `Basic realm="Workday"` {
				t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	if h.Requests() != 0 {
		t.Errorf("Requests() = %d, want 0 (only served reports count)", h.Requests())
	}

	resp, err := http.Post(base+"acme/isu/R?format=json", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST status %d, want 405", resp.StatusCode)
	}
}

func TestFaults(t *testing.T) {
	h := New(Config{Username: "isu", Password: "pw"})
	srv := Start(t, h)
	url := h.URL(srv.URL)
	h.SetReportJSON([]byte(`{"Report_Entry":[{"Emp_ID":"1001"},{"Emp_ID":"1002"}]}`))

	h.SetFault(Fault{Truncate: 30})
	if _, body := get(t, url, "isu", "pw"); body != `{"Report_Entry":[{"Emp_ID":"10` {
		t.Errorf("truncated body = %q", body)
	}
	h.SetFault(Fault{Status: http.StatusServiceUnavailable, Body: "maintenance window"})
	if resp, body := get(t, url, "isu", "pw"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "maintenance") {
		t.Errorf("status fault: %d %q", resp.StatusCode, body)
	}
	h.SetFault(Fault{})
	if resp, body := get(t, url, "isu", "pw"); resp.StatusCode != http.StatusOK || !strings.HasSuffix(body, "]}") {
		t.Errorf("healed: %d %q", resp.StatusCode, body)
	}
}

func TestTrickle(t *testing.T) {
	h := New(Config{Username: "isu", Password: "pw"})
	srv := Start(t, h)
	doc := `{"Report_Entry":[{"Emp_ID":"1001"},{"Emp_ID":"1002"}]}`
	h.SetReportJSON([]byte(doc))
	h.SetFault(Fault{Trickle: 300 * time.Millisecond})

	start := time.Now()
	resp, body := get(t, h.URL(srv.URL), "isu", "pw")
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("trickled report came in %v, want about 300ms", took)
	}
	if resp.StatusCode != http.StatusOK || body != doc {
		t.Errorf("trickled report: %d %q", resp.StatusCode, body)
	}
}
