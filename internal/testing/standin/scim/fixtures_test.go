package scim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The recorded exchanges (scim-fixtures/README.md) come from a stateless test server
// that answered each request with a canned body, so they do not form one consistent
// history. The replay makes one: it orders them, creates what later ones read, and maps
// each recorded id onto ours. Then it checks the status code and compares the recorded
// response with ours structurally:
//   - every key of a recorded object must be in ours, compared recursively (ours may hold
//     more: meta.created, a displayName the recording's canned body left out);
//   - arrays compare element by element, except schemas, whose recorded URNs must all be
//     in ours (the library lists every extension the resource type has);
//   - a recorded null matches our null or [] (we answer Resources: [], never null);
//   - recorded ids are replaced by ours before comparing; meta.location must end with the
//     recorded relative location (ours is absolute); meta.created, lastModified and
//     version and itemsPerPage (the page size is the server's choice) are compared by
//     JSON type only, as are the per-step shapeOnly paths, each explained there.

type fixture struct {
	Request    json.RawMessage
	Response   map[string]any
	Method     string
	Path       string
	StatusCode int
}

type replayStep struct {
	file      string            // under scim-fixtures, without .json
	seed      bool              // first create the resources the recorded response shows, under their recorded ids
	alias     map[string]string // recorded id -> recorded id it stands for
	shapeOnly []string
}

var replays = map[string][]replayStep{
	"okta": {
		{file: "user_exists"},
		{file: "create_user"},
		// The canned body added emails[].display, which Okta never sent.
		{file: "retrieve_user", shapeOnly: []string{"emails"}},
		{file: "update_user"},
		{file: "update_user_patch"},
		{file: "create_group"},
		// The canned body answers "Test SCIMv20" to a request for "Test SCIMv2"; ours
		// echoes the request (checked in TestReplayEchoesGroupName).
		{file: "update_group_name", shapeOnly: []string{"displayName"}},
		{file: "update_group_membership"},
		// The canned body holds a member from another run.
		{file: "retrieve_group", shapeOnly: []string{"members"}},
	},
	"azuread": {
		{file: "get_user_query_0"},
		{file: "create_user"},
		// The recording patched a user created elsewhere; we patch the one just created,
		// so externalId differs, and its server re-derived name.formatted where we keep
		// values verbatim, as Entra requires.
		{file: "update_user", alias: map[string]string{"6764549bef60420686bc": "48af03ac28ad4fb88478"},
			shapeOnly: []string{"externalId", "name.formatted"}},
		{file: "get_user_resp", seed: true},
		{file: "get_user_query_resp", seed: true},
		{file: "get_group_dn", seed: true},
		{file: "create_group"},
		{file: "get_group", seed: true},
		// Same group as get_group (same externalId) under another recorded id.
		{file: "update_group", alias: map[string]string{"fa2ce26709934589afc5": "40734ae655284ad3abcc"}},
	},
}

var idpUserAgent = map[string]string{"okta": "Okta SCIM Client 1.0.0", "azuread": "Microsoft.Identity.Provisioning"}

func TestReplayFixtures(t *testing.T) {
	dir := fixturesDir(t)
	for _, mode := range Modes {
		for _, vendor := range []string{Generic, GitHub, Slack} {
			for idp, steps := range replays {
				t.Run(mode.Name+"/"+vendor+"/"+idp, func(t *testing.T) {
					s, c := startVendor(t, Config{Vendor: vendor, Strict: mode.Strict})
					c.ua = idpUserAgent[idp]
					ids := map[string]string{}
					for _, step := range steps {
						fx := readFixture(t, filepath.Join(dir, idp, step.file+".json"))
						t.Run(step.file, func(t *testing.T) { replay(t, s, c, fx, step, ids) })
					}
				})
			}
		}
	}
}

func readFixture(t *testing.T, path string) fixture {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := decode(raw, &fx); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return fx
}

func replay(t *testing.T, s *Server, c *client, fx fixture, step replayStep, ids map[string]string) {
	if step.seed {
		seeds := []any{fx.Response}
		if list, ok := fx.Response["Resources"].([]any); ok {
			seeds = list
		}
		for _, rec := range seeds {
			rec := rec.(map[string]any)
			ids[rec["id"].(string)] = seedFrom(t, s, rec)
		}
	}
	for from, to := range step.alias {
		ids[from] = ids[to]
	}
	sub := func(x string) string {
		for from, to := range ids {
			x = strings.ReplaceAll(x, from, to)
		}
		return x
	}
	var body any
	if len(fx.Request) > 0 {
		body = []byte(sub(string(fx.Request)))
	}
	status, _, got := c.do(fx.Method, sub(fx.Path), body)
	if status != fx.StatusCode {
		t.Fatalf("%s %s: status %d, want %d: %v", fx.Method, fx.Path, status, fx.StatusCode, got)
	}
	if fx.Method == http.MethodPost {
		ids[fx.Response["id"].(string)] = got["id"].(string)
	}
	if fx.Response == nil {
		return
	}
	raw, _ := json.Marshal(fx.Response)
	var want map[string]any
	if err := decode([]byte(sub(string(raw))), &want); err != nil {
		t.Fatal(err)
	}
	for _, d := range compare("", want, got, step.shapeOnly) {
		t.Error(d)
	}
}

// seedFrom creates the resource a recorded response shows, as the recording's server
// already held it, and returns our id for it.
func seedFrom(t *testing.T, s *Server, rec map[string]any) string {
	t.Helper()
	body := map[string]any{}
	for k, v := range rec {
		if k != "id" && k != "meta" {
			body[k] = v
		}
	}
	path := "/Users"
	if rec["meta"].(map[string]any)["resourceType"] == "Group" {
		path = "/Groups"
	}
	raw, _ := json.Marshal(body)
	status, res := s.internal(http.MethodPost, path, raw)
	if status != http.StatusCreated {
		t.Fatalf("seeding %s: %d %v", path, status, res)
	}
	return res["id"].(string)
}

// compare lists how got differs from the recorded want, by the rules at the top.
func compare(path string, want, got any, shapeOnly []string) []string {
	key := path[strings.LastIndex(path, ".")+1:]
	inMeta := path == "meta."+key || strings.HasSuffix(path, ".meta."+key)
	switch {
	case containsString(shapeOnly, path), path == "itemsPerPage",
		inMeta && (key == "created" || key == "lastModified" || key == "version"):
		if jsonType(want) != jsonType(got) {
			return []string{fmt.Sprintf("%s: %s %v, want a %s", path, jsonType(got), got, jsonType(want))}
		}
		return nil
	case inMeta && key == "location":
		if g, _ := got.(string); !strings.HasSuffix(g, "/"+want.(string)) {
			return []string{fmt.Sprintf("%s: %v, want …/%v", path, got, want)}
		}
		return nil
	case want == nil:
		if l, ok := got.([]any); got == nil || ok && len(l) == 0 {
			return nil
		}
	case key == "schemas":
		for _, urn := range want.([]any) {
			if !containsAny(got, urn) {
				return []string{fmt.Sprintf("%s: %v lacks %v", path, got, urn)}
			}
		}
		return nil
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v, want an object", path, got)}
		}
		var diffs []string
		for k, wv := range w {
			gv, present := g[k]
			if !present {
				diffs = append(diffs, fmt.Sprintf("%s: missing", join(k)))
				continue
			}
			diffs = append(diffs, compare(join(k), wv, gv, shapeOnly)...)
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %v, want %v", path, got, want)}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, compare(join(fmt.Sprint(i)), w[i], g[i], shapeOnly)...)
		}
		return diffs
	}
	if !reflect.DeepEqual(want, got) {
		return []string{fmt.Sprintf("%s: %v, want %v", path, got, want)}
	}
	return nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsAny(list any, v any) bool {
	l, _ := list.([]any)
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// TestReplayEchoesGroupName checks what okta/update_group_name's canned answer cannot:
// a no-path replace with the id in its value renames the group.
func TestReplayEchoesGroupName(t *testing.T) {
	dir := fixturesDir(t)
	for _, mode := range Modes {
		s, c := startVendor(t, Config{Strict: mode.Strict})
		ids := map[string]string{}
		for _, f := range []string{"create_group", "update_group_name"} {
			replay(t, s, c, readFixture(t, filepath.Join(dir, "okta", f+".json")), replayStep{shapeOnly: []string{"displayName"}}, ids)
		}
		_, _, got := c.do("GET", "/Groups/"+ids["abf4dd94-a4c0-4f67-89c9-76b03340cb9b"], nil)
		if got["displayName"] != "Test SCIMv2" || got["id"] != ids["abf4dd94-a4c0-4f67-89c9-76b03340cb9b"] {
			t.Errorf("%s: group after rename: %v", mode.Name, got)
		}
	}
}
