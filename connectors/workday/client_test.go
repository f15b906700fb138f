package workday

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ilm-dev/ilm/connectors"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
)

const (
	isuUser = "ilm-isu@acme"
	isuPass = "s3cret-Pa55"
)

// testRows exercise what real reports carry: nulls, absent keys, "0"/"1" flags, a
// nested multi-instance group, and a date with Workday's zone suffix.
var testRows = []map[string]any{
	{
		"Emp_ID": "1001", "Email_Address": "ada.lovelace@example.com", "Has_Sabbatical": "0",
		"Last_Hire_Date": "2024-03-04-08:00", "Public_Work_Mobile_Phone_Number": nil,
		"Worker_Documents": []any{
			map[string]any{"Type": "Badge", "Number": "B-1001"},
			map[string]any{"Type": "Laptop", "Number": "L-77"},
		},
		"FTE": 0.5,
	},
	{"Emp_ID": "1002", "Has_Sabbatical": "1", "Last_Hire_Date": "2019-06-17", "Termination_Date": nil},
}

func startStandin(t *testing.T) (*standin.Handler, string) {
	t.Helper()
	h := standin.New(standin.Config{Username: isuUser, Password: isuPass, Tenant: "acme"})
	if err := h.SetReport(testRows); err != nil {
		t.Fatal(err)
	}
	srv := standin.Start(t, h)
	return h, h.URL(srv.URL)
}

func collect(t *testing.T, c *Client) ([]Row, error) {
	t.Helper()
	var rows []Row
	err := c.Stream(context.Background(), func(r Row) error {
		rows = append(rows, Row{Number: r.Number, Columns: maps.Clone(r.Columns)})
		return nil
	})
	return rows, err
}

func TestStreamHTTP(t *testing.T) {
	_, url := startStandin(t)
	rows, err := collect(t, New(Config{ReportURL: url, Username: isuUser, Password: isuPass}))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Number != 1 || rows[1].Number != 2 {
		t.Fatalf("rows = %+v", rows)
	}
	first := rows[0].Columns
	for col, want := range map[string]any{
		"Emp_ID":                          "1001",
		"Has_Sabbatical":                  "0",
		"Last_Hire_Date":                  "2024-03-04-08:00",
		"Public_Work_Mobile_Phone_Number": nil,
		"FTE":                             json.Number("0.5"),
		"Worker_Documents": []any{
			map[string]any{"Type": "Badge", "Number": "B-1001"},
			map[string]any{"Type": "Laptop", "Number": "L-77"},
		},
	} {
		got, ok := first[col]
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v (present %v), want %#v", col, got, ok, want)
		}
	}
	if _, ok := rows[1].Columns["Email_Address"]; ok {
		t.Error("an absent column appeared")
	}
	if rows[1].Columns["Has_Sabbatical"] != "1" {
		t.Errorf("flag = %#v", rows[1].Columns["Has_Sabbatical"])
	}
}

func TestRequest(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = w.Write([]byte(`{"Report_Entry":[]}`))
	}))
	t.Cleanup(srv.Close)
	if _, err := collect(t, New(Config{ReportURL: srv.URL + "/r?format=json", Username: isuUser, Password: isuPass})); err != nil {
		t.Fatal(err)
	}
	user, pass, ok := got.BasicAuth()
	if got.Method != http.MethodGet || got.Header.Get("Accept") != "application/json" || !ok || user != isuUser || pass != isuPass {
		t.Fatalf("request %s Accept=%q auth=%q/%q", got.Method, got.Header.Get("Accept"), user, pass)
	}
}

func TestStreamHTTPErrors(t *testing.T) {
	h, url := startStandin(t)
	withUserInfo := strings.Replace(url, "http://", "http://"+isuUser+":wrong-"+isuPass+"@", 1)

	tests := []struct {
		name    string
		cfg     Config
		fault   standin.Fault
		is      error
		want    []string
		notWant []string
	}{
		{
			name: "bad password",
			cfg:  Config{ReportURL: url, Username: isuUser, Password: "wrong-" + isuPass},
			is:   ErrAuth,
			want: []string{"workday report " + url + ": authentication failed (HTTP 401)"},
		},
		{
			name:    "bad password in URL",
			cfg:     Config{ReportURL: withUserInfo},
			is:      ErrAuth,
			want:    []string{"workday report " + url + ": authentication failed"},
			notWant: []string{isuUser},
		},
		{
			name:  "forbidden",
			cfg:   Config{ReportURL: url, Username: isuUser, Password: isuPass},
			fault: standin.Fault{Status: http.StatusForbidden, Body: "not permitted"},
			is:    ErrAuth,
			want:  []string{"authentication failed (HTTP 403)"},
		},
		{
			name:  "server error with body excerpt",
			cfg:   Config{ReportURL: url, Username: isuUser, Password: isuPass},
			fault: standin.Fault{Status: http.StatusInternalServerError, Body: "password " + isuPass + " rejected; " + strings.Repeat("x", 300)},
			is:    ErrUnavailable,
			want:  []string{"HTTP 500 Internal Server Error", `"password [redacted] rejected; xxx`},
		},
		{
			name:  "not found",
			cfg:   Config{ReportURL: url, Username: isuUser, Password: isuPass},
			fault: standin.Fault{Status: http.StatusNotFound, Body: "no such report"},
			is:    ErrInvalid,
			want:  []string{"HTTP 404 Not Found", "no such report"},
		},
		{
			name:  "truncated body",
			cfg:   Config{ReportURL: url, Username: isuUser, Password: isuPass},
			fault: standin.Fault{Truncate: 150},
			is:    ErrInvalid,
			want:  []string{"workday report " + url + ": invalid report: report ends early, at row 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.SetFault(tt.fault)
			defer h.SetFault(standin.Fault{})
			_, err := collect(t, New(tt.cfg))
			if !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want errors.Is %v", err, tt.is)
			}
			if retry := connectors.Retryable(err); retry != (tt.is == ErrUnavailable) {
				t.Errorf("connectors.Retryable = %v", retry)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			for _, w := range append(tt.notWant, isuPass) {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q contains %q", err, w)
				}
			}
			if strings.Contains(tt.want[0], "xxx") && strings.Count(err.Error(), "x") > 200 {
				t.Errorf("error carries more than 200 bytes of body: %q", err)
			}
		})
	}
}

func TestNotJSON(t *testing.T) {
	tests := []struct{ name, ctype, body, want string }{
		{"html login page", "text/html; charset=utf-8", "<html>Sign in</html>", `content type "text/html; charset=utf-8" is not JSON`},
		{"xml report", "application/xml", "<wd:Report_Data/>", `content type "application/xml" is not JSON`},
		{"json array", "application/json", `[{"Emp_ID":"1"}]`, `want a JSON object, got a list`},
		{"garbage", "", "Report_Entry", "malformed JSON outside Report_Entry"},
		{"empty", "application/json", "", "empty response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tt.ctype}
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			_, err := collect(t, New(Config{ReportURL: srv.URL + "/r?format=json"}))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), srv.URL) {
				t.Fatalf("error %v, want ErrInvalid naming the source and %q", err, tt.want)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	h, url := startStandin(t)
	h.SetFault(standin.Fault{Delay: 5 * time.Second})
	start := time.Now()
	_, err := collect(t, New(Config{ReportURL: url, Username: isuUser, Password: isuPass, Timeout: 100 * time.Millisecond}))
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrUnavailable) || !connectors.Retryable(err) {
		t.Fatalf("error %v, want a deadline and ErrUnavailable", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("took %v", time.Since(start))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = New(Config{ReportURL: url}).Stream(ctx, func(Row) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestStreamFile(t *testing.T) {
	abs, err := filepath.Abs("../../examples/workday-report.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		"file:../../examples/workday-report.json",
		"../../examples/workday-report.json",
		"file:" + abs,
		"file://" + abs,
	} {
		rows, err := collect(t, New(Config{ReportURL: src}))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if len(rows) != 50 || rows[49].Number != 50 || rows[0].Columns["Emp_ID"] != "1001" {
			t.Fatalf("%s: %d rows, first %v", src, len(rows), rows[0].Columns["Emp_ID"])
		}
	}

	_, err = collect(t, New(Config{ReportURL: "file:nosuch/report.json"}))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "file:nosuch/report.json") {
		t.Fatalf("missing file: %v", err)
	}
	_, err = collect(t, New(Config{ReportURL: "ftp://host/report.json"}))
	if err == nil || !strings.Contains(err.Error(), "unsupported scheme") {
		t.Fatalf("ftp: %v", err)
	}
}

func TestFnError(t *testing.T) {
	_, url := startStandin(t)
	stop := errors.New("store full")
	seen := 0
	err := New(Config{ReportURL: url, Username: isuUser, Password: isuPass}).Stream(context.Background(), func(r Row) error {
		seen++
		return stop
	})
	if !errors.Is(err, stop) || seen != 1 || !strings.Contains(err.Error(), "row 1: store full") {
		t.Fatalf("error %v after %d rows", err, seen)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://isu:pw@wd2-impl-services1.workday.com/ccx/service/customreport2/t/o/R?format=json": "https://wd2-impl-services1.workday.com/ccx/service/customreport2/t/o/R?format=json",
		"https://isu:p/w@host/r":     "https://host/r",
		"https://host/r?format=json": "https://host/r?format=json",
		"file:examples/report.json":  "file:examples/report.json",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
	err := New(Config{ReportURL: "https://isu:p/w%zz@host/r"}).Stream(context.Background(), func(Row) error { return nil })
	if err == nil || strings.Contains(err.Error(), "p/w") || strings.Contains(err.Error(), "isu") {
		t.Fatalf("bad URL error leaks user info: %v", err)
	}
}
