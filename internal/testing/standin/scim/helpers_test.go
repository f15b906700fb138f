package scim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const token = "test-token"

// client talks to one stand-in the way an IdP would.
type client struct {
	t     testing.TB
	base  string
	token string
	ua    string
}

// startVendor starts a stand-in for vendor and returns it with a client for its base URL.
func startVendor(t testing.TB, cfg Config) (*Server, *client) {
	t.Helper()
	if cfg.Token == "" {
		cfg.Token = token
	}
	s := New(cfg)
	srv := Start(t, s)
	return s, &client{t: t, base: s.BaseURL(srv.URL), token: cfg.Token, ua: "Okta SCIM Client 1.0.0"}
}

// do sends body (nil, raw []byte or a value to marshal) to base+path and decodes the
// answer with numbers kept as json.Number, so tests can tell numbers from strings.
func (c *client) do(method, path string, body any) (int, http.Header, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", c.ua) // "" sends no User-Agent at all
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 && resp.Header.Get("Content-Type") != contentType {
		c.t.Errorf("%s %s: Content-Type %q, want %q", method, path, resp.Header.Get("Content-Type"), contentType)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := decode(raw, &out); err != nil {
			c.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode, resp.Header, out
}

func decode(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

// get follows a dotted path (numeric parts index arrays) into a decoded body.
func get(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func testUser(userName string) map[string]any {
	return map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":   userName,
		"externalId": "ext-" + userName,
		"name":       map[string]any{"givenName": "Test", "familyName": "User"},
		"emails":     []any{map[string]any{"primary": true, "value": userName, "type": "work"}},
		"active":     true,
	}
}

// fixturesDir finds the recorded IdP exchanges: $ILM_SHARED/reference/scim-fixtures, else
// <repo root>/../shared/reference/scim-fixtures. They are shared data, never copied in.
func fixturesDir(t *testing.T) string {
	t.Helper()
	var dirs []string
	if sh := os.Getenv("ILM_SHARED"); sh != "" {
		dirs = append(dirs, filepath.Join(sh, "reference", "scim-fixtures"))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dirs = append(dirs, filepath.Join(d, "..", "shared", "reference", "scim-fixtures"))
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	t.Skipf("the recorded Okta/Entra SCIM fixtures are not on this machine (looked in %v; set ILM_SHARED to the shared directory that holds reference/scim-fixtures)", dirs)
	return ""
}
