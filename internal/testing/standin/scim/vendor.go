package scim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// serve applies the vendor shim to an authorised request and hands it to the library.
// The library strips a leading "/v2" itself; the shim strips the whole base path instead
// and refuses a second "/v2", so only the vendor's real base path is served. origin
// (scheme://host, or empty for relative locations) prefixes meta.location.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, origin string) {
	rest, ok := strings.CutPrefix(r.URL.Path, s.base)
	if !ok || (rest != "" && rest[0] != '/') || rest == "/v2" || strings.HasPrefix(rest, "/v2/") {
		writeError(w, http.StatusNotFound, "Specified endpoint does not exist.")
		return
	}
	if s.cfg.Vendor == Slack {
		rest = slackAlias(r.Method, rest)
	}
	if s.cfg.NoPatch && r.Method == http.MethodPatch {
		writeError(w, http.StatusNotImplemented, "PATCH is not supported by this service provider; use PUT.")
		return
	}
	if s.cfg.NoDiscovery && r.Method == http.MethodGet && isDiscovery(rest) {
		writeError(w, http.StatusNotFound, "Specified endpoint does not exist.")
		return
	}
	enterprise := s.declaresEnterprise()
	if s.cfg.Strict {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := checkDeclared(r.Method, rest, body, enterprise); err != nil {
			writeScimError(w, *err)
			return
		}
	}

	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = rest, ""
	q := r.URL.Query()
	changed := false
	if f := q.Get("filter"); f != "" {
		if nf := rewriteValuePathFilter(f); nf != f {
			q.Set("filter", nf)
			changed = true
		}
	}
	// Slack pages by 10 unless asked; above 1000 the library caps at MaxResults.
	if s.cfg.Vendor == Slack && r.Method == http.MethodGet && (rest == "/Users" || rest == "/Groups") && !q.Has("count") {
		q.Set("count", "10")
		changed = true
	}
	if changed {
		r2.URL.RawQuery = q.Encode()
	}
	if s.cfg.Vendor == Generic && r.Method == http.MethodPatch {
		body, _ := io.ReadAll(r.Body)
		r2.Body = io.NopCloser(bytes.NewReader(entraBooleans(body)))
	}
	s.library(origin, enterprise).ServeHTTP(w, r2)
}

// isDiscovery says whether rest is one of the schema discovery endpoints.
func isDiscovery(rest string) bool {
	for _, p := range []string{"/Schemas", "/ResourceTypes"} {
		if rest == p || strings.HasPrefix(rest, p+"/") {
			return true
		}
	}
	return false
}

// library builds the elimity server for one request; only the base URL of meta.location
// and whether Users declare the enterprise extension differ between requests, and
// building it is a few struct copies.
func (s *Server) library(origin string, enterprise bool) scim.Server {
	maxResults := 100
	if s.cfg.Vendor == Slack {
		maxResults = 1000
	}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			DocumentationURI: optional.NewString("https://github.com/ilm-dev/ilm/tree/main/internal/standin/scim"),
			AuthenticationSchemes: []scim.AuthenticationScheme{{
				Type:        scim.AuthenticationTypeOauthBearerToken,
				Name:        "OAuth Bearer Token",
				Description: "Authentication scheme using the OAuth Bearer Token Standard",
				SpecURI:     optional.NewString("https://www.rfc-editor.org/info/rfc6750"),
				Primary:     true,
			}},
			MaxResults:       maxResults,
			SupportFiltering: true,
			SupportPatch:     !s.cfg.NoPatch,
		},
		ResourceTypes: []scim.ResourceType{
			{
				ID:               optional.NewString("User"),
				Name:             "User",
				Description:      optional.NewString("User Account"),
				Endpoint:         "/Users",
				Schema:           schema.CoreUserSchema(),
				SchemaExtensions: userExtensions(enterprise),
				Handler:          &handler{s: s, c: s.users},
			},
			{
				ID:          optional.NewString("Group"),
				Name:        "Group",
				Description: optional.NewString("Group"),
				Endpoint:    "/Groups",
				Schema:      schema.CoreGroupSchema(),
				Handler:     &handler{s: s, c: s.groups},
			},
		},
	}, scim.WithBaseURL(origin+s.base))
	if err != nil {
		panic(err) // the arguments above are constant
	}
	return srv
}

// userExtensions are the schema extensions the User resource type declares.
func userExtensions(enterprise bool) []scim.SchemaExtension {
	if !enterprise {
		return nil
	}
	return []scim.SchemaExtension{{Schema: enterpriseSchema}}
}

// slackAlias maps Slack's non-standard discovery paths onto the standard ones: v1's
// plural /ServiceProviderConfigs and the short schema names /Schemas/Users and Groups.
func slackAlias(method, rest string) string {
	if method != http.MethodGet {
		return rest
	}
	switch rest {
	case "/ServiceProviderConfigs":
		return "/ServiceProviderConfig"
	case "/Schemas/Users":
		return "/Schemas/" + schema.UserSchema
	case "/Schemas/Groups":
		return "/Schemas/" + schema.GroupSchema
	}
	return rest
}

// valuePathFilter matches Entra's matching query emails[type eq "work"].value eq "x",
// which the library's filter grammar cannot parse.
var valuePathFilter = regexp.MustCompile(`^\s*([A-Za-z][\w:.]*)\[([^\]]+)\]\.(\w+)\s+(\w+)\s+(.+?)\s*$`)

// rewriteValuePathFilter turns attr[f].sub op v into the equivalent RFC 7644 form
// attr[f and sub op v]; other filters are returned unchanged.
func rewriteValuePathFilter(f string) string {
	m := valuePathFilter.FindStringSubmatch(f)
	if m == nil {
		return f
	}
	return m[1] + "[" + m[2] + " and " + m[3] + " " + m[4] + " " + m[5] + "]"
}

// entraBooleans turns the string "True"/"False" that older Entra jobs (customappsso) send
// for active in PATCH operations into JSON booleans. The library's own switch for this,
// schema.SetAllowStringValues, is one unsynchronised process-wide variable: flipping it
// from New would race with servers already serving, and it would also make github and
// slack accept strings that the real apps refuse. So only the generic shim, the one
// Entra talks to, accepts this quirk, and only for active.
func entraBooleans(body []byte) []byte {
	var req map[string]any
	if json.Unmarshal(body, &req) != nil {
		return body
	}
	ops, _ := req["Operations"].([]any)
	changed := false
	for _, o := range ops {
		op, _ := o.(map[string]any)
		if op == nil {
			continue
		}
		if p, _ := op["path"].(string); strings.EqualFold(p, "active") {
			if b, ok := stringBool(op["value"]); ok {
				op["value"], changed = b, true
			}
		}
		if v, _ := op["value"].(map[string]any); v != nil {
			for k, x := range v {
				if b, ok := stringBool(x); ok && strings.EqualFold(k, "active") {
					v[k], changed = b, true
				}
			}
		}
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(req)
	if err != nil {
		return body
	}
	return out
}

func stringBool(v any) (bool, bool) {
	s, ok := v.(string)
	if !ok {
		return false, false
	}
	b, err := strconv.ParseBool(strings.ToLower(s))
	return b, err == nil
}
