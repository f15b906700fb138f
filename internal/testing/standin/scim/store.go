package scim

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
)

// resource is one stored User or Group: the attributes as the library validated them
// (externalId included; id, meta and schemas are added when answering).
type resource struct {
	id       string
	attrs    map[string]any
	created  time.Time
	modified time.Time
	version  int
}

// collection holds one resource type in creation order.
type collection struct {
	typ   string // "User" or "Group"
	order []*resource
	byID  map[string]*resource
}

func newCollection(typ string) *collection {
	return &collection{typ: typ, byID: map[string]*resource{}}
}

func (c *collection) remove(id string) {
	delete(c.byID, id)
	for i, r := range c.order {
		if r.id == id {
			c.order = append(c.order[:i], c.order[i+1:]...)
			return
		}
	}
}

// newID returns an opaque, stable id shaped like a UUID, as GitHub's and most apps' are.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// handler is the library's ResourceHandler for one collection of a Server.
type handler struct {
	s *Server
	c *collection
}

func (h *handler) users() bool { return h.c.typ == "User" }

func (h *handler) notFound(id string) error { return scimerrors.ScimErrorResourceNotFound(id) }

// result copies a stored resource out, so the library can marshal it after the lock is
// released; the caller holds the lock. excludedAttributes (Entra asks for members to be left out) is honoured here,
// as the library ignores it.
func (h *handler) result(r *http.Request, res *resource) scim.Resource {
	attrs := clone(res.attrs).(map[string]any)
	if !h.s.enterprise {
		delete(attrs, enterpriseSchema.ID) // stored while it was declared
	}
	if r != nil {
		for _, ex := range strings.Split(r.URL.Query().Get("excludedAttributes"), ",") {
			for k := range attrs {
				if ex = strings.TrimSpace(ex); ex != "" && strings.EqualFold(k, ex) {
					delete(attrs, k)
				}
			}
		}
	}
	created, modified := res.created, res.modified
	return scim.Resource{
		ID:         res.id,
		Attributes: attrs,
		Meta: scim.Meta{
			Created:      &created,
			LastModified: &modified,
			Version:      fmt.Sprintf(`W/"%d"`, res.version),
		},
	}
}

// check enforces the rules on a user or group about to be stored: userName present and
// unique ignoring case (RFC 7643 says userName is case-insensitive, and Okta relies on
// it), and the vendor's extra requirements.
func (h *handler) check(attrs map[string]any, self string, create bool) error {
	delete(attrs, "password") // returned "never"; nothing here authenticates
	if !h.users() {
		return nil
	}
	name, _ := attrs["userName"].(string)
	if strings.TrimSpace(name) == "" {
		return scimerrors.ScimErrorBadRequest("userName is required.")
	}
	for _, u := range h.c.order {
		if u.id != self && strings.EqualFold(u.attrs["userName"].(string), name) {
			return scimerrors.ScimErrorUniqueness
		}
	}
	switch h.s.cfg.Vendor {
	case GitHub:
		if ext, _ := attrs["externalId"].(string); create && ext == "" {
			return scimerrors.ScimErrorBadRequest("externalId is required: it is the identity provider's immutable id for the user.")
		}
	case Slack:
		if emails, _ := attrs["emails"].([]any); len(emails) == 0 {
			return scimerrors.ScimErrorBadRequest("A user needs a userName and at least one email.")
		}
	}
	return nil
}

// Create stores a new resource.
func (h *handler) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	a := clone(map[string]any(attrs)).(map[string]any)
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if err := h.check(a, "", true); err != nil {
		return scim.Resource{}, err
	}
	now := time.Now().UTC()
	res := &resource{id: newID(), attrs: a, created: now, modified: now, version: 1}
	h.c.order = append(h.c.order, res)
	h.c.byID[res.id] = res
	return h.result(r, res), nil
}

// Get returns one resource; an inactive user is still returned.
func (h *handler) Get(r *http.Request, id string) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	res, ok := h.c.byID[id]
	if !ok {
		return scim.Resource{}, h.notFound(id)
	}
	return h.result(r, res), nil
}

// GetAll filters in creation order and pages by startIndex and count. Resources is never
// nil, so an empty page is "Resources": [], which Okta and Entra expect.
func (h *handler) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	var hits []*resource
	for _, res := range h.c.order {
		if params.FilterValidator != nil {
			cand := escapeStrings(clone(res.attrs)).(map[string]any)
			cand["id"] = res.id
			cand["meta"] = map[string]any{"resourceType": h.c.typ,
				"created": res.created.Format(time.RFC3339), "lastModified": res.modified.Format(time.RFC3339)}
			if params.FilterValidator.PassesFilter(cand) != nil {
				continue
			}
		}
		hits = append(hits, res)
	}
	page := scim.Page{TotalResults: len(hits), Resources: []scim.Resource{}}
	start := min(max(params.StartIndex, 1)-1, len(hits))
	end := min(start+max(params.Count, 0), len(hits))
	for _, res := range hits[start:end] {
		page.Resources = append(page.Resources, h.result(r, res))
	}
	return page, nil
}

// escapeStrings escapes every string of v as in a filter's quoted value. The filter parser
// under elimity keeps a compare value's escapes (the value of userName eq "o\"brien" stays
// o\"brien), where RFC 7644 §3.4.2.2 reads it as JSON; an escaped candidate compares equal
// exactly when the unescaped one would.
func escapeStrings(v any) any {
	switch x := v.(type) {
	case string:
		return filterEscaper.Replace(x)
	case map[string]any:
		for k, e := range x {
			x[k] = escapeStrings(e)
		}
	case []any:
		for i, e := range x {
			x[i] = escapeStrings(e)
		}
	}
	return v
}

// filterEscaper escapes as ILM's SCIM client quotes filter values: quotes, backslashes,
// and control characters as \u00XX.
var filterEscaper = strings.NewReplacer(filterEscapes()...)

func filterEscapes() []string {
	pairs := []string{`\`, `\\`, `"`, `\"`}
	for c := rune(0); c < 0x20; c++ {
		pairs = append(pairs, string(c), fmt.Sprintf(`\u%04X`, c))
	}
	return pairs
}

// Search serves POST /Users/.search and /Groups/.search like GetAll.
func (h *handler) Search(r *http.Request, p scim.SearchParams) (scim.Page, error) {
	return h.GetAll(r, scim.ListRequestParams{Count: p.Count, StartIndex: p.StartIndex, FilterValidator: p.FilterValidator})
}

// Replace overwrites all attributes (PUT); an absent attribute is gone afterwards.
func (h *handler) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	a := clone(map[string]any(attrs)).(map[string]any)
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	res, ok := h.c.byID[id]
	if !ok {
		return scim.Resource{}, h.notFound(id)
	}
	if err := h.check(a, id, false); err != nil {
		return scim.Resource{}, err
	}
	h.store(res, a)
	return h.result(r, res), nil
}

// Patch applies the operations in order, all or nothing, and answers 200 with the whole
// resource (Okta and Entra accept 200; a 204 would hide the result from the client).
func (h *handler) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	res, ok := h.c.byID[id]
	if !ok {
		return scim.Resource{}, h.notFound(id)
	}
	a := clone(res.attrs).(map[string]any)
	for _, op := range ops {
		if err := applyOp(a, op, h.c.typ); err != nil {
			return scim.Resource{}, err
		}
	}
	if err := h.check(a, id, false); err != nil {
		return scim.Resource{}, err
	}
	h.store(res, a)
	return h.result(r, res), nil
}

func (h *handler) store(res *resource, attrs map[string]any) {
	res.attrs = attrs
	res.modified = time.Now().UTC()
	res.version++
}

// Delete removes a resource. A Slack user is only deactivated (active=false, still
// listed), as Slack's DELETE /Users/{id} does; elsewhere the user is gone for good, is
// listed in Deleted, and leaves every group.
func (h *handler) Delete(r *http.Request, id string) error {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	res, ok := h.c.byID[id]
	if !ok {
		return h.notFound(id)
	}
	if !h.users() {
		h.c.remove(id)
		return nil
	}
	if h.s.cfg.Vendor == Slack {
		a := clone(res.attrs).(map[string]any)
		a["active"] = false
		h.store(res, a)
		return nil
	}
	h.c.remove(id)
	h.s.deleted = append(h.s.deleted, res.attrs["userName"].(string))
	for _, g := range h.s.groups.order {
		if members, ok := g.attrs["members"].([]any); ok {
			kept := []any{}
			for _, m := range members {
				if mm, _ := m.(map[string]any); mm == nil || mm["value"] != id {
					kept = append(kept, m)
				}
			}
			if len(kept) != len(members) {
				g.attrs["members"] = kept
				g.modified = time.Now().UTC()
				g.version++
			}
		}
	}
	return nil
}

// clone deep-copies the JSON-like values the library produces.
func clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = clone(x)
		}
		return out
	case []any:
		if v == nil {
			return []any(nil)
		}
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = clone(x)
		}
		return out
	default:
		return v
	}
}
