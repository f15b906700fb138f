package okta

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// baseURL is the org URL as the client reached it, so that links point back here.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// limitParam reads "limit": def when absent, capped at max.
func limitParam(q url.Values, def, max int) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errValidation("limit: must be a non-negative integer")
	}
	if n == 0 || n > max {
		// Okta treats 0 and too-large limits on these collections as the maximum.
		n = max
	}
	return n, nil
}

// writePage answers one page of items (ids[i] identifies items[i]) after the cursor
// "after" (an id; the next page starts after it), with Okta's Link headers.
func writePage(w http.ResponseWriter, r *http.Request, items []map[string]any, ids []string, after string, limit int) {
	start := 0
	if after != "" {
		if i := slices.Index(ids, after); i >= 0 {
			start = i + 1
		}
	}
	end := min(start+limit, len(items))
	page := items[start:end]
	next := ""
	if end < len(items) {
		next = ids[end-1]
	}
	setLinks(w, r, next, next != "")
	if page == nil {
		page = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, page)
}

// setLinks adds one Link header per relation, as Okta does (a single comma-joined header
// would make okta-sdk-golang loop on the self link): self always, next when hasNext, with
// the request's query and after replaced.
func setLinks(w http.ResponseWriter, r *http.Request, after string, hasNext bool) {
	base := baseURL(r)
	self := base + r.URL.Path
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	w.Header().Add("Link", "<"+self+`>; rel="self"`)
	if hasNext {
		q := r.URL.Query()
		q.Set("after", after)
		w.Header().Add("Link", "<"+base+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
	}
}

// cloneMap deep-copies JSON-like values (maps, slices, scalars).
func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneMap(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneValue(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneMap(e)
		}
		return out
	default:
		return v
	}
}
