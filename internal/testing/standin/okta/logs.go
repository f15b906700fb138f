package okta

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// eventLog is the append-only System Log. Each event keeps its JSON, encoded once, and
// its persistence sequence number (its index + 1), so that pages are cheap to serve.
type eventLog struct {
	mu  sync.RWMutex
	evs []*stored
}

type stored struct {
	seq       int64
	persisted time.Time // when it was appended: the order of polling requests
	published time.Time // its "published": the order of bounded requests
	ev        LogEvent
	raw       []byte
	text      string // lower-cased JSON, for q
}

func (l *eventLog) append(now time.Time, ev LogEvent) {
	var pub time.Time
	switch p := ev["published"].(type) {
	case time.Time:
		pub = p
		ev["published"] = stamp(p)
	case string:
		if t, err := time.Parse(time.RFC3339Nano, p); err == nil {
			pub = t
		}
	}
	if pub.IsZero() {
		pub = now
		ev["published"] = stamp(now)
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		raw, _ = json.Marshal(map[string]any{"uuid": ev["uuid"], "version": "0", "published": stamp(pub)})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, &stored{seq: int64(len(l.evs) + 1), persisted: now, published: pub.UTC(),
		ev: ev, raw: raw, text: strings.ToLower(string(raw))})
}

func (l *eventLog) all() []LogEvent {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]LogEvent, len(l.evs))
	for i, e := range l.evs {
		out[i] = cloneMap(e.ev)
	}
	return out
}

// logQuery is a parsed GET /api/v1/logs.
type logQuery struct {
	since, until time.Time
	polling      bool // no until and ASCENDING: ordered by persistence, always a next link
	descending   bool
	after        *cursor
	limit        int
	filter       *filter
	keywords     []string
}

// cursor is the opaque "after": "<millis>_<seq>", the position of the last event seen.
// millis is the persistence time (polling) or the published time (bounded); seq breaks ties.
// A bounded query's cursor has a third part, its since in milliseconds.
type cursor struct {
	millis, seq, since int64
}

func (c cursor) String() string {
	if c.since != 0 {
		return fmt.Sprintf("%d_%d_%d", c.millis, c.seq, c.since)
	}
	return fmt.Sprintf("%d_%d", c.millis, c.seq)
}

func parseCursor(s string) (*cursor, bool) {
	parts := strings.Split(s, "_")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, false
	}
	var n [3]int64
	for i, p := range parts {
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil || v < 0 {
			return nil, false
		}
		n[i] = v
	}
	return &cursor{n[0], n[1], n[2]}, true
}

func (s *Server) parseLogQuery(r *http.Request) (*logQuery, error) {
	q := r.URL.Query()
	now := s.now()
	lq := &logQuery{limit: 100}
	var err error
	if v := q.Get("limit"); v != "" {
		if lq.limit, err = strconv.Atoi(v); err != nil || lq.limit < 0 || lq.limit > 1000 {
			return nil, errValidation("limit: must be between 0 and 1000")
		}
	}
	switch so := q.Get("sortOrder"); so {
	case "", "ASCENDING":
	case "DESCENDING":
		lq.descending = true
	default:
		return nil, errValidation("sortOrder: must be ASCENDING or DESCENDING")
	}
	parseTime := func(name string) (time.Time, error) {
		t, err := time.Parse(time.RFC3339Nano, q.Get(name))
		if err != nil {
			return t, errValidation(name + ": must be a valid date-time or empty.")
		}
		return t, nil
	}
	hasUntil := q.Get("until") != ""
	lq.until = now
	if hasUntil {
		if lq.until, err = parseTime("until"); err != nil {
			return nil, err
		}
	}
	lq.polling = !hasUntil && !lq.descending
	if q.Get("since") != "" && q.Get("after") != "" {
		return nil, errValidation("after: The after and since parameters cannot be used together.")
	}
	lq.since = lq.until.Add(-7 * 24 * time.Hour)
	if q.Get("since") != "" {
		if lq.since, err = parseTime("since"); err != nil {
			return nil, err
		}
		if now.Sub(lq.since) > 180*24*time.Hour {
			return nil, errBadParam("Invalid parameter: The since parameter is over 180 days prior to the current day.")
		}
	}
	if a := q.Get("after"); a != "" {
		c, ok := parseCursor(a)
		if !ok {
			return nil, errBadParam("Invalid parameter: after")
		}
		lq.after = c
		if c.since != 0 {
			lq.since = time.UnixMilli(c.since)
		}
	}
	if f := q.Get("filter"); f != "" {
		if lq.filter, err = parseFilter(f, logAttr); err != nil {
			return nil, errBadParam(fmt.Sprintf("Invalid filter '%s': %s", f, err))
		}
	}
	if kw := strings.Fields(strings.ToLower(q.Get("q"))); len(kw) > 0 {
		if len(kw) > 10 {
			return nil, errBadParam("Invalid parameter: q can have at most 10 keywords")
		}
		for _, k := range kw {
			if len(k) > 40 {
				return nil, errBadParam("Invalid parameter: q keywords can be at most 40 characters")
			}
		}
		lq.keywords = kw
	}
	return lq, nil
}

func (lq *logQuery) matches(e *stored) bool {
	for _, k := range lq.keywords {
		if !strings.Contains(e.text, k) {
			return false
		}
	}
	return lq.filter == nil || lq.filter.match(eventGetter(e.ev))
}

func (s *Server) getLogs(w http.ResponseWriter, r *http.Request) {
	lq, err := s.parseLogQuery(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	page, next, more := s.log.query(lq)
	var buf bytes.Buffer
	buf.Grow(len(page) * 1100)
	buf.WriteByte('[')
	for i, e := range page {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(e.raw)
	}
	buf.WriteByte(']')
	// The next link carries after instead of since: the two are mutually exclusive. A
	// bounded query's lower bound travels inside the cursor instead.
	q := r.URL.Query()
	q.Del("since")
	w.Header().Add("Link", "<"+baseURL(r)+r.URL.RequestURI()+`>; rel="self"`)
	if more {
		q.Set("after", next.String())
		w.Header().Add("Link", "<"+baseURL(r)+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
	}
	writeRaw(w, http.StatusOK, buf.Bytes())
}

// query returns one page, the cursor after it and whether there is a next page (always,
// for polling requests).
func (l *eventLog) query(lq *logQuery) ([]*stored, cursor, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if lq.polling {
		page, next := l.poll(lq)
		return page, next, true
	}
	return l.bounded(lq)
}

// poll walks persistence order from the cursor. When it reaches the end of the log the
// next cursor is the end, so that the next poll sees only newer events.
func (l *eventLog) poll(lq *logQuery) ([]*stored, cursor) {
	start := 0
	next := cursor{millis: lq.since.UnixMilli()}
	if lq.after != nil {
		start = int(min(lq.after.seq, int64(len(l.evs))))
		next = *lq.after
	} else {
		// Persistence times only grow, so what came before since is a prefix.
		for start < len(l.evs) && l.evs[start].persisted.Before(lq.since) {
			next = cursor{millis: l.evs[start].persisted.UnixMilli(), seq: l.evs[start].seq}
			start++
		}
	}
	var page []*stored
	for i := start; i < len(l.evs) && len(page) < lq.limit; i++ {
		e := l.evs[i]
		next = cursor{millis: e.persisted.UnixMilli(), seq: e.seq}
		if lq.matches(e) {
			page = append(page, e)
		}
	}
	return page, next
}

// bounded serves requests ordered by published within [since, until), ascending or
// descending, with a finite number of pages.
func (l *eventLog) bounded(lq *logQuery) ([]*stored, cursor, bool) {
	var sel []*stored
	for _, e := range l.evs {
		if e.published.Before(lq.since) || !e.published.Before(lq.until) {
			continue
		}
		if lq.after != nil && !lq.beyond(e) {
			continue
		}
		if lq.matches(e) {
			sel = append(sel, e)
		}
	}
	slices.SortFunc(sel, func(a, b *stored) int {
		c := a.published.Compare(b.published)
		if c == 0 {
			c = cmp.Compare(a.seq, b.seq)
		}
		if lq.descending {
			c = -c
		}
		return c
	})
	if len(sel) <= lq.limit {
		return sel, cursor{}, false
	}
	last := sel[lq.limit-1]
	return sel[:lq.limit], cursor{last.published.UnixMilli(), last.seq, lq.since.UnixMilli()}, true
}

// beyond says whether e comes after the cursor in the bounded order.
func (lq *logQuery) beyond(e *stored) bool {
	m := e.published.UnixMilli()
	if lq.descending {
		return m < lq.after.millis || m == lq.after.millis && e.seq < lq.after.seq
	}
	return m > lq.after.millis || m == lq.after.millis && e.seq > lq.after.seq
}

// logAttr says which attributes a System Log filter may name. published is not one:
// time bounds go in since and until.
func logAttr(a string) bool {
	switch a {
	case "eventType", "legacyEventType", "uuid", "severity", "displayMessage", "version",
		"target.id", "target.type", "target.alternateId", "target.displayName",
		"actor.id", "actor.type", "actor.alternateId", "actor.displayName",
		"outcome.result", "outcome.reason", "client.ipAddress", "transaction.id", "transaction.type":
		return true
	}
	return strings.HasPrefix(a, "debugContext.debugData.")
}

// eventGetter reads a dotted attribute from an event; through arrays (target) it
// collects every element's value, so target.id eq "x" matches when any target has it.
func eventGetter(ev LogEvent) func(string) []any {
	return func(attr string) []any {
		vals := []any{ev}
		for _, part := range strings.Split(attr, ".") {
			var next []any
			for _, v := range vals {
				switch v := v.(type) {
				case map[string]any:
					if x, ok := v[part]; ok && x != nil {
						next = append(next, x)
					}
				}
			}
			vals = flatten(next)
		}
		return vals
	}
}

func flatten(vs []any) []any {
	var out []any
	for _, v := range vs {
		switch v := v.(type) {
		case []any:
			out = append(out, v...)
		case []map[string]any:
			for _, m := range v {
				out = append(out, m)
			}
		default:
			out = append(out, v)
		}
	}
	return out
}
