package scim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func patchOp(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": ops}
}

func TestUniquenessIgnoresCase(t *testing.T) {
	s, c := startVendor(t, Config{})
	if st, _, _ := c.do("POST", "/Users", testUser("alice@example.com")); st != 201 {
		t.Fatalf("create: %d", st)
	}
	st, _, body := c.do("POST", "/Users", testUser("ALICE@example.com"))
	if st != 409 || body["scimType"] != "uniqueness" || body["status"] != "409" {
		t.Errorf("duplicate create: %d %v", st, body)
	}
	if _, err := s.AddUser(testUser("Alice@Example.com")); err == nil {
		t.Error("AddUser accepted a duplicate userName")
	}
	_, _, bob := c.do("POST", "/Users", testUser("bob@example.com"))
	st, _, _ = c.do("PATCH", "/Users/"+bob["id"].(string), patchOp(map[string]any{"op": "replace", "path": "userName", "value": "alice@EXAMPLE.com"}))
	if st != 409 {
		t.Errorf("PATCH to a taken userName: %d, want 409", st)
	}
	if u, ok := s.User("ALICE@EXAMPLE.COM"); !ok || u["userName"] != "alice@example.com" {
		t.Errorf("User ignoring case: %v %v", u, ok)
	}
}

func TestEmptyListIsArray(t *testing.T) {
	_, c := startVendor(t, Config{})
	for _, path := range []string{"/Users", "/Groups", "/Users?filter=" + url.QueryEscape(`userName eq "nobody"`)} {
		_, _, body := c.do("GET", path, nil)
		if res, ok := body["Resources"].([]any); !ok || len(res) != 0 {
			t.Errorf("GET %s: Resources %#v, want []", path, body["Resources"])
		}
	}
}

func TestStablePaging(t *testing.T) {
	s, c := startVendor(t, Config{})
	var want []string
	for i := range 25 {
		name := fmt.Sprintf("user%02d@example.com", 24-i) // created in reverse name order
		if _, err := s.AddUser(testUser(name)); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	// A change must not move a user in the order.
	first := s.Users()[0]["id"].(string)
	c.do("PATCH", "/Users/"+first, patchOp(map[string]any{"op": "replace", "value": map[string]any{"active": false}}))
	var got []string
	for start := 1; start <= 25; start += 10 {
		_, _, body := c.do("GET", fmt.Sprintf("/Users?startIndex=%d&count=10", start), nil)
		if body["totalResults"] != json.Number("25") || body["startIndex"] != json.Number(fmt.Sprint(start)) {
			t.Errorf("page %d: totalResults %v startIndex %v", start, body["totalResults"], body["startIndex"])
		}
		for _, r := range body["Resources"].([]any) {
			got = append(got, r.(map[string]any)["userName"].(string))
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("paged order\n got %v\nwant %v", got, want)
	}
}

func TestFilters(t *testing.T) { InEachMode(t, testFilters) }

func testFilters(t *testing.T, strict bool) {
	_, c := startVendor(t, Config{Strict: strict})
	c.do("POST", "/Users", testUser("carol@example.com"))
	c.do("POST", "/Groups", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "Admins"})
	for path, n := range map[string]string{
		"/Users?filter=" + url.QueryEscape(`externalId eq "ext-carol@example.com"`):               "1",
		"/Users?filter=" + url.QueryEscape(`emails[type eq "work"].value eq "carol@example.com"`): "1",
		"/Users?filter=" + url.QueryEscape(`userName Eq "CAROL@example.com"`):                     "1",
		"/Users?filter=" + url.QueryEscape(`userName eq "dave@example.com"`):                      "0",
		"/Groups?excludedAttributes=members&filter=" + url.QueryEscape(`displayName eq "Admins"`): "1",
	} {
		if st, _, body := c.do("GET", path, nil); st != 200 || body["totalResults"] != json.Number(n) {
			t.Errorf("GET %s: %d totalResults %v, want %s", path, st, body["totalResults"], n)
		}
	}
	search := map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"}, "filter": `userName eq "carol@example.com"`}
	if st, _, body := c.do("POST", "/Users/.search", search); st != 200 || body["totalResults"] != json.Number("1") {
		t.Errorf("POST /Users/.search: %d %v", st, body)
	}
}

func TestPatchShapes(t *testing.T) { InEachMode(t, testPatchShapes) }

func testPatchShapes(t *testing.T, strict bool) {
	_, c := startVendor(t, Config{Strict: strict})
	_, _, u := c.do("POST", "/Users", testUser("erin@example.com"))
	id := u["id"].(string)
	// Entra: capitalised ops, a value-filtered path, and "False" as a string.
	st, _, body := c.do("PATCH", "/Users/"+id, patchOp(
		map[string]any{"op": "Replace", "path": `emails[type eq "work"].value`, "value": "erin@new.example.com"},
		map[string]any{"op": "Replace", "path": "active", "value": "False"},
	))
	if st != 200 || body["active"] != false || get(body, "emails.0.value") != "erin@new.example.com" {
		t.Errorf("Entra PATCH: %d %v", st, body)
	}
	// Deactivated users stay readable; Okta reactivates with a no-path replace.
	st, _, body = c.do("PATCH", "/Users/"+id, patchOp(map[string]any{"op": "replace", "value": map[string]any{"active": true}}))
	if st != 200 || body["active"] != true {
		t.Errorf("Okta reactivate: %d %v", st, body)
	}
	// Group membership: Okta's add and remove-by-filter, Entra's remove-by-value.
	_, _, g := c.do("POST", "/Groups", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "Team"})
	gid := g["id"].(string)
	_, _, body = c.do("PATCH", "/Groups/"+gid, patchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": id}, map[string]any{"value": "other"}}}))
	if n := len(body["members"].([]any)); n != 2 {
		t.Errorf("after add: %v", body["members"])
	}
	c.do("PATCH", "/Groups/"+gid, patchOp(map[string]any{"op": "remove", "path": `members[value eq "other"]`}))
	_, _, body = c.do("PATCH", "/Groups/"+gid, patchOp(map[string]any{"op": "Remove", "path": "members", "value": []any{map[string]any{"value": id}}}))
	if m, _ := body["members"].([]any); len(m) != 0 {
		t.Errorf("after removes: %v", body["members"])
	}
	_, _, body = c.do("GET", "/Groups/"+gid+"?excludedAttributes=members", nil)
	if _, ok := body["members"]; ok || body["displayName"] != "Team" {
		t.Errorf("excludedAttributes=members: %v", body)
	}
}

func TestNoPatch(t *testing.T) {
	_, c := startVendor(t, Config{NoPatch: true})
	_, _, u := c.do("POST", "/Users", testUser("frank@example.com"))
	st, _, body := c.do("PATCH", "/Users/"+u["id"].(string), patchOp(map[string]any{"op": "replace", "value": map[string]any{"active": false}}))
	if st != 501 || body["status"] != "501" {
		t.Errorf("PATCH on a PUT-only app: %d %v", st, body)
	}
	if _, _, spc := c.do("GET", "/ServiceProviderConfig", nil); get(spc, "patch.supported") != false {
		t.Errorf("ServiceProviderConfig patch: %v", spc["patch"])
	}
	u["active"] = false
	if st, _, body := c.do("PUT", "/Users/"+u["id"].(string), u); st != 200 || body["active"] != false {
		t.Errorf("PUT active=false: %d %v", st, body)
	}
}

func TestGenericDeleteDeletes(t *testing.T) {
	s, c := startVendor(t, Config{})
	_, _, u := c.do("POST", "/Users", testUser("gina@example.com"))
	if st, _, _ := c.do("DELETE", "/Users/"+u["id"].(string), nil); st != 204 {
		t.Fatalf("DELETE: %d", st)
	}
	if st, _, _ := c.do("GET", "/Users/"+u["id"].(string), nil); st != 404 {
		t.Errorf("GET after DELETE: %d, want 404", st)
	}
	if d := s.Deleted(); len(d) != 1 || d[0] != "gina@example.com" {
		t.Errorf("Deleted: %v", d)
	}
	// Only the real base path is served, though the library would also take /scim/Users.
	outside := *c
	outside.base = strings.TrimSuffix(c.base, "/v2")
	if st, _, _ := outside.do("GET", "/Users", nil); st != 404 {
		t.Errorf("GET /scim/Users: %d, want 404", st)
	}
}

func TestGitHub(t *testing.T) {
	s, c := startVendor(t, Config{Vendor: GitHub})
	if !strings.HasSuffix(c.base, "/scim/v2/enterprises/acme") {
		t.Fatalf("base URL %s", c.base)
	}
	noUA := *c
	noUA.ua = ""
	if st, _, body := noUA.do("GET", "/Users", nil); st != 403 || body["status"] != "403" {
		t.Errorf("no User-Agent: %d %v", st, body)
	}
	st, h, _ := c.do("GET", "/users", nil) // paths are case-sensitive
	if st != 404 || h.Get("X-RateLimit-Limit") == "" || h.Get("X-RateLimit-Remaining") == "" || h.Get("X-RateLimit-Reset") == "" {
		t.Errorf("GET /users: %d, rate headers %v", st, h)
	}
	noExt := testUser("hank@example.com")
	delete(noExt, "externalId")
	if st, _, _ := c.do("POST", "/Users", noExt); st != 400 {
		t.Errorf("create without externalId: %d, want 400", st)
	}
	_, _, u := c.do("POST", "/Users", testUser("hank@example.com"))
	id := u["id"].(string)
	// Soft deprovision: still listed, inactive, userName and emails unchanged.
	c.do("PATCH", "/Users/"+id, patchOp(map[string]any{"op": "replace", "path": "active", "value": false}))
	_, _, list := c.do("GET", "/Users", nil)
	if got := get(list, "Resources.0"); get(got, "active") != false || get(got, "userName") != "hank@example.com" || get(got, "emails.0.value") != "hank@example.com" {
		t.Errorf("after active=false: %v", got)
	}
	// Hard deprovision.
	if st, _, _ := c.do("DELETE", "/Users/"+id, nil); st != 204 {
		t.Errorf("DELETE: %d", st)
	}
	if d := s.Deleted(); len(d) != 1 || d[0] != "hank@example.com" {
		t.Errorf("Deleted: %v", d)
	}
	if _, ok := s.User("hank@example.com"); ok {
		t.Error("user still there after DELETE")
	}
	if st, _, _ := c.do("GET", "/Users/"+id, nil); st != 404 {
		t.Errorf("GET after DELETE: %d", st)
	}
}

func TestSlack(t *testing.T) {
	s, c := startVendor(t, Config{Vendor: Slack})
	for i := range 12 {
		if _, err := s.AddUser(testUser(fmt.Sprintf("u%d@example.com", i))); err != nil {
			t.Fatal(err)
		}
	}
	for query, want := range map[string][2]int{"": {10, 10}, "?count=5000": {1000, 12}, "?count=3": {3, 3}} {
		_, _, body := c.do("GET", "/Users"+query, nil)
		if body["itemsPerPage"] != json.Number(fmt.Sprint(want[0])) || len(body["Resources"].([]any)) != want[1] {
			t.Errorf("GET /Users%s: itemsPerPage %v, %d resources; want %v", query, body["itemsPerPage"], len(body["Resources"].([]any)), want)
		}
	}
	id := s.Users()[0]["id"].(string)
	if st, _, _ := c.do("DELETE", "/Users/"+id, nil); st != 204 {
		t.Errorf("DELETE: %d", st)
	}
	if st, _, u := c.do("GET", "/Users/"+id, nil); st != 200 || u["active"] != false {
		t.Errorf("after DELETE: %d %v", st, u)
	}
	if d := s.Deleted(); len(d) != 0 {
		t.Errorf("Deleted: %v", d)
	}
	noEmail := testUser("noemail@example.com")
	delete(noEmail, "emails")
	if st, _, _ := c.do("POST", "/Users", noEmail); st != 400 {
		t.Errorf("create without email: %d, want 400", st)
	}
	for path, field := range map[string]string{"/ServiceProviderConfigs": "patch", "/Schemas/Users": "attributes", "/Schemas/Groups": "attributes"} {
		if st, _, body := c.do("GET", path, nil); st != 200 || body[field] == nil {
			t.Errorf("GET %s: %d %v", path, st, body)
		}
	}
}

func TestFailNext(t *testing.T) {
	for _, vendor := range []string{Generic, GitHub, Slack} {
		s, c := startVendor(t, Config{Vendor: vendor})
		s.FailNext(2, 429)
		for range 2 {
			st, h, body := c.do("GET", "/Users", nil)
			if st != 429 || h.Get("Retry-After") != "1" || body["status"] != "429" || body["detail"] == nil {
				t.Errorf("%s: %d %v %v", vendor, st, h, body)
			}
			if vendor == GitHub && (h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Reset") == "") {
				t.Errorf("github 429 headers: %v", h)
			}
		}
		if st, _, _ := c.do("GET", "/Users", nil); st != 200 {
			t.Errorf("%s after failures: %d", vendor, st)
		}
	}
}

func TestAuthAndRequests(t *testing.T) {
	s, c := startVendor(t, Config{})
	for _, tok := range []string{"", "wrong"} {
		bad := *c
		bad.token = tok
		if st, _, body := bad.do("GET", "/Users", nil); st != 401 || body["status"] != "401" || body["detail"] == nil {
			t.Errorf("token %q: %d %v", tok, st, body)
		}
	}
	c.do("POST", "/Users", testUser("ivy@example.com"))
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	if len(reqs) != 3 || last.Method != "POST" || last.Path != "/scim/v2/Users" || last.UserAgent != c.ua || !strings.Contains(string(last.Body), "ivy@example.com") {
		t.Errorf("Requests: %+v", reqs)
	}
}

func TestConcurrentUse(t *testing.T) {
	s, c := startVendor(t, Config{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, _, u := c.do("POST", "/Users", testUser(fmt.Sprintf("c%d@example.com", i)))
			c.do("PATCH", "/Users/"+u["id"].(string), patchOp(map[string]any{"op": "replace", "path": "active", "value": false}))
			c.do("GET", "/Users?count=5", nil)
			s.Users()
		})
	}
	wg.Wait()
	if n := len(s.Users()); n != 20 {
		t.Errorf("%d users, want 20", n)
	}
}

func TestCompareIsStrict(t *testing.T) {
	want := map[string]any{"active": false, "name": map[string]any{"givenName": "A"}, "emails": []any{"x"}}
	for _, got := range []map[string]any{
		{"active": true, "name": map[string]any{"givenName": "A"}, "emails": []any{"x"}},
		{"active": false, "name": map[string]any{"givenName": "B"}, "emails": []any{"x"}},
		{"active": false, "name": map[string]any{"givenName": "A"}, "emails": []any{"x", "y"}},
		{"name": map[string]any{"givenName": "A"}, "emails": []any{"x"}},
	} {
		if len(compare("", want, got, nil)) == 0 {
			t.Errorf("compare accepted %v for %v", got, want)
		}
	}
}

const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// An app without the enterprise extension says so in its discovery endpoints; leniently it
// drops the extension from a create and refuses a PATCH path into it (the library), which
// is what real apps answer to the latter.
func TestNoEnterpriseExtension(t *testing.T) {
	s, c := startVendor(t, Config{NoEnterpriseExtension: true})
	_, _, rt := c.do("GET", "/ResourceTypes/User", nil)
	if ext, ok := rt["schemaExtensions"].([]any); !ok || len(ext) != 0 {
		t.Errorf("User schemaExtensions: %v", rt["schemaExtensions"])
	}
	_, _, schemas := c.do("GET", "/Schemas", nil)
	for _, r := range schemas["Resources"].([]any) {
		if get(r, "id") == enterpriseURN {
			t.Errorf("/Schemas lists %s", enterpriseURN)
		}
	}
	u := testUser("jo@example.com")
	u[enterpriseURN] = map[string]any{"department": "Navy"}
	st, _, body := c.do("POST", "/Users", u)
	if st != 201 || body[enterpriseURN] != nil {
		t.Fatalf("lenient create: %d %v", st, body)
	}
	st, _, body = c.do("PATCH", "/Users/"+body["id"].(string), patchOp(map[string]any{"op": "replace", "path": enterpriseURN + ":department", "value": "Navy"}))
	if st != 400 || body["scimType"] != "invalidPath" {
		t.Errorf("PATCH into the undeclared extension: %d %v", st, body)
	}

	// Declared again, the extension is stored; undeclared, it is no longer answered.
	s.SetEnterpriseExtension(true)
	u = testUser("kim@example.com")
	u[enterpriseURN] = map[string]any{"department": "Navy"}
	if _, _, body = c.do("POST", "/Users", u); department(body) != "Navy" {
		t.Errorf("create with the extension declared: %v", body)
	}
	s.SetEnterpriseExtension(false)
	if got, _ := s.User("kim@example.com"); got[enterpriseURN] != nil {
		t.Errorf("undeclared extension still answered: %v", got)
	}
}

// Strict, the stand-in refuses everything its schemas do not declare, in every kind of
// write, with RFC 7644 §3.12 errors naming the attribute.
func TestStrictRefusesUndeclared(t *testing.T) {
	s, c := startVendor(t, Config{Strict: true, NoEnterpriseExtension: true})
	id, err := s.AddUser(testUser("lee@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	with := func(k string, v any) map[string]any {
		u := testUser("lee2@example.com")
		u[k] = v
		return u
	}
	withSchemas := testUser("lee2@example.com")
	withSchemas["schemas"] = []string{userURN, enterpriseURN}
	replace := func(path string, v any) map[string]any {
		return patchOp(map[string]any{"op": "replace", "path": path, "value": v})
	}
	for _, tc := range []struct {
		method, path string
		body         map[string]any
		scimType     string
		names        string
	}{
		{"POST", "/Users", with(enterpriseURN, map[string]any{"department": "Navy"}), "invalidValue", enterpriseURN},
		{"POST", "/Users", with(enterpriseURN+":department", "Navy"), "invalidValue", enterpriseURN + ":department"},
		{"POST", "/Users", withSchemas, "invalidValue", enterpriseURN},
		{"POST", "/Users", with("favouriteColour", "teal"), "invalidValue", "favouriteColour"},
		{"POST", "/Users", with("name", map[string]any{"givenName": "Lee", "nickname": "L"}), "invalidValue", "name.nickname"},
		{"POST", "/Users", with("emails", []any{map[string]any{"value": "x@example.com", "label": "home"}}), "invalidValue", "emails.label"},
		{"PUT", "/Users/" + id, with(enterpriseURN, map[string]any{"department": "Navy"}), "invalidValue", enterpriseURN},
		{"PATCH", "/Users/" + id, replace(enterpriseURN+":department", "Navy"), "invalidPath", enterpriseURN + ":department"},
		{"PATCH", "/Users/" + id, replace("favouriteColour", "teal"), "invalidPath", "favouriteColour"},
		{"PATCH", "/Users/" + id, replace("name.nickname", "L"), "invalidPath", "name.nickname"},
		{"PATCH", "/Users/" + id, replace("name", map[string]any{"nickname": "L"}), "invalidValue", "name.nickname"},
		{"PATCH", "/Users/" + id, patchOp(map[string]any{"op": "replace", "value": map[string]any{enterpriseURN + ":department": "Navy"}}), "invalidValue", enterpriseURN + ":department"},
		{"PATCH", "/Users/" + id, patchOp(map[string]any{"op": "replace", "value": map[string]any{enterpriseURN: map[string]any{"department": "Navy"}}}), "invalidValue", enterpriseURN},
	} {
		st, _, body := c.do(tc.method, tc.path, tc.body)
		detail, _ := body["detail"].(string)
		if st != 400 || body["status"] != "400" || body["scimType"] != tc.scimType || !strings.Contains(detail, tc.names) || !containsAny(body["schemas"], errorURN) {
			t.Errorf("%s %s %v: %d %v, want 400 %s naming %s", tc.method, tc.path, tc.body, st, body, tc.scimType, tc.names)
		}
	}
	if u, _ := s.User("lee@example.com"); u["name"].(map[string]any)["givenName"] != "Test" || len(s.Users()) != 1 {
		t.Errorf("a refused write changed something: %v", s.Users())
	}
	// What is declared still goes through.
	if st, _, body := c.do("PATCH", "/Users/"+id, replace("name.givenName", "Lee")); st != 200 || get(body, "name.givenName") != "Lee" {
		t.Errorf("declared PATCH: %d %v", st, body)
	}
	// With the extension declared, strict takes it.
	s.SetEnterpriseExtension(true)
	if st, _, body := c.do("POST", "/Users", with(enterpriseURN, map[string]any{"department": "Navy"})); st != 201 || department(body) != "Navy" {
		t.Errorf("declared extension: %d %v", st, body)
	}
}

// An app without discovery endpoints answers 404 there and still serves the rest.
func TestNoDiscovery(t *testing.T) {
	_, c := startVendor(t, Config{NoDiscovery: true})
	for _, path := range []string{"/Schemas", "/Schemas/" + userURN, "/ResourceTypes", "/ResourceTypes/User"} {
		if st, _, _ := c.do("GET", path, nil); st != 404 {
			t.Errorf("GET %s: %d, want 404", path, st)
		}
	}
	for _, path := range []string{"/ServiceProviderConfig", "/Users"} {
		if st, _, _ := c.do("GET", path, nil); st != 200 {
			t.Errorf("GET %s: %d, want 200", path, st)
		}
	}
}

// department reads the enterprise extension's department (get cannot: the URN holds dots).
func department(u map[string]any) any {
	ext, _ := u[enterpriseURN].(map[string]any)
	return ext["department"]
}
