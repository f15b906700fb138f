package servicenow_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/internal/testing/standin/servicenow"
)

const (
	user = "admin"
	pass = "secret"
	tok  = "bearer-token"
)

type client struct {
	t    *testing.T
	base string
}

func start(t *testing.T) (*servicenow.Server, client) {
	s := servicenow.New(servicenow.Config{Username: user, Password: pass, Token: tok})
	srv := servicenow.Start(t, s)
	return s, client{t: t, base: srv.URL}
}

// call sends a request with Basic auth and returns the status, headers and decoded body.
func (c client) call(method, path string, q url.Values, body string, auth func(*http.Request)) (int, http.Header, map[string]any) {
	c.t.Helper()
	u := c.base + path
	if q != nil {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(c.t, err)
	req.SetBasicAuth(user, pass)
	if auth != nil {
		auth(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var out map[string]any
	if len(data) > 0 {
		assert.Equal(c.t, "application/json;charset=UTF-8", resp.Header.Get("Content-Type"))
		require.NoError(c.t, json.Unmarshal(data, &out), string(data))
	}
	return resp.StatusCode, resp.Header, out
}

func errorBody(message, detail string) map[string]any {
	var d any
	if detail != "" {
		d = detail
	}
	return map[string]any{"error": map[string]any{"message": message, "detail": d}, "status": "failure"}
}

func TestRecordLifecycle(t *testing.T) {
	s, c := start(t)

	status, _, body := c.call("POST", "/api/now/table/sys_user", nil,
		`{"user_name":"ada","email":"Ada@Example.com","first_name":"Ada","last_name":"Lovelace","active":true,"u_badge_number":7,"sys_created_by":"mallory"}`, nil)
	require.Equal(t, http.StatusCreated, status)
	rec := body["result"].(map[string]any)
	id := rec["sys_id"].(string)
	assert.Regexp(t, `^[0-9a-f]{32}$`, id)
	assert.Equal(t, "true", rec["active"], "values are strings")
	assert.Equal(t, "7", rec["u_badge_number"], "unknown fields are kept")
	assert.Equal(t, "Ada Lovelace", rec["name"])
	assert.Equal(t, user, rec["sys_created_by"], "system fields are not writable")
	assert.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`, rec["sys_created_on"])
	assert.Equal(t, "0", rec["sys_mod_count"])

	u, ok := s.User("email", "ada@example.com")
	require.True(t, ok, "email compares case-insensitively")
	assert.Equal(t, id, u["sys_id"])

	status, _, body = c.call("GET", "/api/now/table/sys_user/"+id, url.Values{"sysparm_fields": {"user_name,title"}}, "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"result": map[string]any{"user_name": "ada", "title": ""}}, body)

	status, _, body = c.call("PATCH", "/api/now/table/sys_user/"+id, url.Values{"sysparm_input_display_value": {"true"}, "sysparm_display_value": {"all"}}, `{"title":"Analyst"}`, nil)
	require.Equal(t, http.StatusOK, status)
	rec = body["result"].(map[string]any)
	assert.Equal(t, map[string]any{"display_value": "Analyst", "value": "Analyst"}, rec["title"])
	assert.Equal(t, map[string]any{"display_value": "1", "value": "1"}, rec["sys_mod_count"])

	status, _, _ = c.call("PUT", "/api/now/table/sys_user/"+id, nil, `{"city":"London"}`, nil)
	assert.Equal(t, http.StatusOK, status)
	u, _ = s.User("sys_id", id)
	assert.Equal(t, "London", u["city"])
	assert.Equal(t, "Analyst", u["title"])

	status, _, _ = c.call("DELETE", "/api/now/table/sys_user/"+id, nil, "", nil)
	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, s.Users())

	notFound := errorBody("No Record found", "Record doesn't exist or ACL restricts the record retrieval")
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		status, _, body = c.call(m, "/api/now/table/sys_user/"+id, nil, `{}`, nil)
		assert.Equal(t, http.StatusNotFound, status, m)
		assert.Equal(t, notFound, body, m)
	}

	reqs := s.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, servicenow.Request{Method: "POST", Path: "/api/now/table/sys_user", Body: reqs[0].Body}, reqs[0])
	assert.Contains(t, string(reqs[0].Body), `"user_name":"ada"`)
}

func TestUniqueUserName(t *testing.T) {
	s, c := start(t)
	_, err := s.AddUser(map[string]string{"user_name": "ada", "first_name": "Ada"})
	require.NoError(t, err)
	other, err := s.AddUser(map[string]string{"user_name": "bob"})
	require.NoError(t, err)

	status, _, body := c.call("POST", "/api/now/table/sys_user", nil, `{"user_name":"ADA","first_name":"Ada","last_name":"King"}`, nil)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, errorBody("Operation Failed", "Error during insert of sys_user (Ada King)"), body)

	status, _, _ = c.call("PATCH", "/api/now/table/sys_user/"+other["sys_id"], nil, `{"user_name":"ada"}`, nil)
	assert.Equal(t, http.StatusForbidden, status)
	u, _ := s.User("sys_id", other["sys_id"])
	assert.Equal(t, "bob", u["user_name"], "a refused write changes nothing")

	_, err = s.AddUser(map[string]string{"user_name": "Ada"})
	assert.Error(t, err)
	assert.Len(t, s.Users(), 2)
}

func TestQueryAndPaging(t *testing.T) {
	s, c := start(t)
	for i := range 5 {
		_, err := s.AddUser(map[string]string{"user_name": fmt.Sprintf("user%d", i), "city": []string{"Paris", "Rome"}[i%2]})
		require.NoError(t, err)
	}

	q := url.Values{"sysparm_query": {"city=paris^ORDERBYDESCuser_name"}, "sysparm_limit": {"2"}, "sysparm_fields": {"user_name"}}
	status, h, body := c.call("GET", "/api/now/table/sys_user", q, "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "3", h.Get("X-Total-Count"))
	assert.Equal(t, []any{map[string]any{"user_name": "user4"}, map[string]any{"user_name": "user2"}}, body["result"])
	links := parseLinks(t, h.Get("Link"))
	assert.Equal(t, []string{"first", "next", "last"}, keys(links))
	assert.Equal(t, "2", links["next"].Query().Get("sysparm_offset"))
	assert.Equal(t, "city=paris^ORDERBYDESCuser_name", links["next"].Query().Get("sysparm_query"))
	assert.Equal(t, "2", links["last"].Query().Get("sysparm_offset"))

	// Follow next.
	status, h, body = c.call("GET", links["next"].Path, links["next"].Query(), "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []any{map[string]any{"user_name": "user0"}}, body["result"])
	links = parseLinks(t, h.Get("Link"))
	assert.Equal(t, []string{"first", "prev", "last"}, keys(links))
	assert.Equal(t, "0", links["prev"].Query().Get("sysparm_offset"))

	// No match is an empty array, not null, and no limit means no Link.
	status, h, body = c.call("GET", "/api/now/table/sys_user", url.Values{"sysparm_query": {"city=Oslo"}}, "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []any{}, body["result"])
	assert.Equal(t, "0", h.Get("X-Total-Count"))
	assert.Empty(t, h.Get("Link"))
}

func parseLinks(t *testing.T, header string) map[string]*url.URL {
	t.Helper()
	out := map[string]*url.URL{}
	for _, part := range strings.Split(header, ",") {
		target, rel, ok := strings.Cut(part, ";rel=")
		require.True(t, ok, part)
		u, err := url.Parse(strings.Trim(target, "<>"))
		require.NoError(t, err)
		assert.True(t, u.IsAbs(), "links are absolute")
		out[strings.Trim(rel, `"`)] = u
	}
	return out
}

func keys(links map[string]*url.URL) []string {
	var out []string
	for _, rel := range []string{"first", "prev", "next", "last"} {
		if _, ok := links[rel]; ok {
			out = append(out, rel)
		}
	}
	return out
}

func TestAuth(t *testing.T) {
	_, c := start(t)
	unauthenticated := errorBody("User Not Authenticated", "Required to provide Auth information")
	for _, tc := range []struct {
		name string
		auth func(*http.Request)
		want int
	}{
		{"basic", nil, http.StatusOK},
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }, http.StatusOK},
		{"wrong password", func(r *http.Request) { r.SetBasicAuth(user, "nope") }, http.StatusUnauthorized},
		{"wrong token", func(r *http.Request) { r.Header.Set("Authorization", "Bearer nope") }, http.StatusUnauthorized},
		{"none", func(r *http.Request) { r.Header.Del("Authorization") }, http.StatusUnauthorized},
	} {
		status, h, body := c.call("GET", "/api/now/table/sys_user", nil, "", tc.auth)
		assert.Equal(t, tc.want, status, tc.name)
		if tc.want == http.StatusUnauthorized {
			assert.Equal(t, unauthenticated, body, tc.name)
			assert.NotEmpty(t, h.Get("WWW-Authenticate"), tc.name)
		}
	}
}

func TestFailNext(t *testing.T) {
	s, c := start(t)
	s.FailNext(2, http.StatusTooManyRequests)
	for range 2 {
		status, h, body := c.call("GET", "/api/now/table/sys_user", nil, "", nil)
		assert.Equal(t, http.StatusTooManyRequests, status)
		assert.Equal(t, "1", h.Get("Retry-After"))
		assert.Equal(t, "failure", body["status"])
	}
	status, _, _ := c.call("GET", "/api/now/table/sys_user", nil, "", nil)
	assert.Equal(t, http.StatusOK, status)

	s.FailNext(1, http.StatusServiceUnavailable)
	status, _, body := c.call("GET", "/api/now/table/sys_user", nil, "", nil)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "Service Unavailable", body["error"].(map[string]any)["message"])
	assert.Len(t, s.Requests(), 4)
}

func TestBadRequests(t *testing.T) {
	_, c := start(t)
	status, _, body := c.call("GET", "/api/now/table/incident", nil, "", nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, errorBody("Invalid table incident", ""), body)

	for _, b := range []string{`not json`, `[1,2]`, `null`} {
		status, _, body = c.call("POST", "/api/now/table/sys_user", nil, b, nil)
		assert.Equal(t, http.StatusBadRequest, status, b)
		assert.Equal(t, errorBody("Exception while reading request", "The payload is not valid JSON."), body, b)
	}
}

func TestConcurrentWrites(t *testing.T) {
	s, c := start(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			// Not c.call: require may not stop the test from another goroutine.
			req, _ := http.NewRequest("POST", c.base+"/api/now/table/sys_user", strings.NewReader(fmt.Sprintf(`{"user_name":"u%d"}`, i%10)))
			req.SetBasicAuth(user, pass)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	assert.Len(t, s.Users(), 10, "user_name stays unique under concurrent inserts")
}
