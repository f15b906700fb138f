package scim

import (
	"fmt"
	"sort"
	"strings"
)

// Schema URNs (RFC 7643, RFC 7644).
const (
	schemaUser    = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	schemaList    = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
)

// Mapper keys with a meaning of their own. The others are attribute paths: "displayName",
// "name.givenName" (a sub-attribute), or "urn:…:User:costCenter" (an extension attribute,
// whose schema URN is everything before the last colon).
const (
	// keyEmail becomes the primary work email: emails[{value, type: work, primary: true}].
	keyEmail = "email"
	keyUser  = "userName"
)

// desired is what the mapper makes of a profile: attribute path → value ("" for none).
type desired map[string]string

// resource is a SCIM user as JSON.
type resource map[string]any

// build returns the resource of d with active, for a create or a PUT over current.
func build(d desired, active bool, current resource) resource {
	r := resource{}
	for k, v := range current {
		switch k {
		case "meta", "groups":
		default:
			r[k] = v
		}
	}
	schemas := map[string]bool{schemaUser: true}
	for _, k := range sortedKeys(d) {
		v := d[k]
		if k == keyEmail {
			if v != "" {
				r["emails"] = []any{map[string]any{"value": v, "type": "work", "primary": true}}
			} else {
				delete(r, "emails")
			}
			continue
		}
		urn, attr := splitPath(k)
		target := map[string]any(r)
		if urn != "" {
			schemas[urn] = true
			ext, _ := r[urn].(map[string]any)
			if ext == nil {
				ext = map[string]any{}
				r[urn] = ext
			}
			target = ext
		}
		setPath(target, attr, v)
	}
	if old, ok := current["schemas"].([]any); ok {
		for _, s := range old {
			if str, ok := s.(string); ok {
				schemas[str] = true
			}
		}
	}
	list := make([]any, 0, len(schemas))
	for _, s := range sortedKeys(schemas) {
		list = append(list, s)
	}
	r["schemas"] = list
	r["active"] = active
	delete(r, "id")
	return r
}

// splitPath splits an extension path into its schema URN and attribute.
func splitPath(key string) (urn, attr string) {
	if !strings.HasPrefix(strings.ToLower(key), "urn:") {
		return "", key
	}
	i := strings.LastIndex(key, ":")
	return key[:i], key[i+1:]
}

// setPath sets a.b.c in m, creating objects on the way; "" removes the attribute.
func setPath(m map[string]any, path, v string) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, _ := m[p].(map[string]any)
		if next == nil {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	if v == "" {
		delete(m, parts[len(parts)-1])
		return
	}
	m[parts[len(parts)-1]] = v
}

// value reads the mapped attribute path from a resource, as text.
func (r resource) value(key string) string {
	if key == keyEmail {
		return r.primaryEmail()
	}
	urn, attr := splitPath(key)
	var cur any = map[string]any(r)
	if urn != "" {
		cur = r[urn]
	}
	for _, p := range strings.Split(attr, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[p]
	}
	if cur == nil {
		return ""
	}
	return fmt.Sprint(cur)
}

// primaryEmail is the primary email, else the first.
func (r resource) primaryEmail() string {
	list, _ := r["emails"].([]any)
	first := ""
	for _, e := range list {
		m, _ := e.(map[string]any)
		v, _ := m["value"].(string)
		if first == "" {
			first = v
		}
		if p, _ := m["primary"].(bool); p {
			return v
		}
	}
	return first
}

func (r resource) id() string       { s, _ := r["id"].(string); return s }
func (r resource) userName() string { s, _ := r["userName"].(string); return s }

// active reads active, which some apps send as a string; an app that leaves it out has no
// inactive users.
func (r resource) active() bool {
	switch v := r["active"].(type) {
	case nil:
		return true
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
