package scim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	listURN  = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	errorURN = "urn:ietf:params:scim:api:messages:2.0:Error"
	userURN  = "urn:ietf:params:scim:schemas:core:2.0:User"
)

// TestOktaSpec runs the twelve steps of Okta's SCIM 2.0 SPEC test (the "Runscope" suite,
// stand-ins.md §4.2) with their assertions against every vendor shim. Okta sends a
// User-Agent, which GitHub requires anyway, and every user here carries an externalId,
// which GitHub requires on create (the others accept it).
func TestOktaSpec(t *testing.T) {
	for _, mode := range Modes {
		for _, vendor := range []string{Generic, GitHub, Slack} {
			t.Run(mode.Name+"/"+vendor, func(t *testing.T) {
				s, c := startVendor(t, Config{Vendor: vendor, Strict: mode.Strict})
				// The suite needs the app to hold a user before it starts.
				if _, err := s.AddUser(testUser("seed.user@atko.com")); err != nil {
					t.Fatal(err)
				}
				oktaSpec(t, c)
			})
		}
	}
}

func oktaSpec(t *testing.T, c *client) {
	userFields := func(step string, u map[string]any) {
		t.Helper()
		for _, f := range []string{"id", "name.familyName", "name.givenName", "userName", "active", "emails.0.value"} {
			if get(u, f) == nil {
				t.Errorf("step %s: user has no %s: %v", step, f, u)
			}
		}
	}
	isNumber := func(step string, body map[string]any, fields ...string) {
		t.Helper()
		for _, f := range fields {
			if _, ok := body[f].(json.Number); !ok {
				t.Errorf("step %s: %s is %T, want a JSON number", step, f, body[f])
			}
		}
	}
	hasSchema := func(step string, body map[string]any, urn string) {
		t.Helper()
		for _, s := range body["schemas"].([]any) {
			if s == urn {
				return
			}
		}
		t.Errorf("step %s: schemas %v lack %s", step, body["schemas"], urn)
	}
	expect := func(step string, got, want int) {
		t.Helper()
		if got != want {
			t.Fatalf("step %s: status %d, want %d", step, got, want)
		}
	}
	filter := func(userName string) string {
		return "/Users?filter=" + url.QueryEscape(`userName eq "`+userName+`"`)
	}

	// 1. The first page holds one user with the fields Okta imports.
	st, _, body := c.do("GET", "/Users?count=1&startIndex=1", nil)
	expect("1", st, 200)
	hasSchema("1", body, listURN)
	isNumber("1", body, "itemsPerPage", "startIndex", "totalResults")
	res, _ := body["Resources"].([]any)
	if len(res) == 0 {
		t.Fatal("step 1: Resources is empty")
	}
	first := res[0].(map[string]any)
	userFields("1", first)

	// 2. That user by id.
	id := first["id"].(string)
	st, _, body = c.do("GET", "/Users/"+id, nil)
	expect("2", st, 200)
	userFields("2", body)
	if body["id"] != id {
		t.Errorf("step 2: id %v, want %s", body["id"], id)
	}

	// 3 and 5. Filters on userNames nobody has find nothing.
	for step, name := range map[string]string{"3": "abcdefgh@atko.com", "5": "0f8e4c1d-random@atko.com"} {
		st, _, body = c.do("GET", filter(name), nil)
		expect(step, st, 200)
		hasSchema(step, body, listURN)
		if n := body["totalResults"]; n != json.Number("0") {
			t.Errorf("step %s: totalResults %v, want 0", step, n)
		}
	}

	// 4 and 12. Unknown ids are 404 with a SCIM Error.
	for step, bad := range map[string]string{"4": "010101001010101011001010101011", "12": "00919288221112222"} {
		st, _, body = c.do("GET", "/Users/"+bad, nil)
		expect(step, st, 404)
		hasSchema(step, body, errorURN)
		if body["detail"] == "" || body["detail"] == nil || body["status"] != "404" {
			t.Errorf("step %s: error body %v", step, body)
		}
	}

	// 6. Create a user.
	newUser := testUser("okta.spec.user@atko.com")
	newUser["displayName"] = "Okta Spec"
	st, _, body = c.do("POST", "/Users", newUser)
	expect("6", st, 201)
	hasSchema("6", body, userURN)
	newID, _ := body["id"].(string)
	if newID == "" || body["active"] != true || body["userName"] != newUser["userName"] ||
		get(body, "name.givenName") != "Test" || get(body, "name.familyName") != "User" {
		t.Errorf("step 6: %v", body)
	}

	// 7. Read it back.
	st, _, body = c.do("GET", "/Users/"+newID, nil)
	expect("7", st, 200)
	if body["userName"] != newUser["userName"] || get(body, "name.givenName") != "Test" || get(body, "emails.0.value") != newUser["userName"] {
		t.Errorf("step 7: %v", body)
	}

	// 8. The same userName again conflicts.
	st, _, _ = c.do("POST", "/Users", newUser)
	expect("8", st, 409)

	// 9. userName filters ignore case.
	st, _, body = c.do("GET", filter(strings.ToUpper(newUser["userName"].(string))), nil)
	expect("9", st, 200)
	if body["totalResults"] != json.Number("1") {
		t.Errorf("step 9: totalResults %v, want 1 (userName is case-insensitive)", body["totalResults"])
	}

	// 10. Groups answer fast.
	start := time.Now()
	st, _, _ = c.do("GET", "/Groups", nil)
	expect("10", st, 200)
	if d := time.Since(start); d > 600*time.Millisecond {
		t.Errorf("step 10: GET /Groups took %v", d)
	}

	// 11. No credentials: 401 with a SCIM Error.
	anon := *c
	anon.token = ""
	st, _, body = anon.do("GET", "/Users", nil)
	expect("11", st, http.StatusUnauthorized)
	hasSchema("11", body, errorURN)
	if body["detail"] == "" || body["detail"] == nil || body["status"] != "401" {
		t.Errorf("step 11: error body %v", body)
	}
}
