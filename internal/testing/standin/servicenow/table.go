package servicenow

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// tablePath is where the Table API lives; the one table served is sys_user.
const (
	tablePath = "/api/now/table/"
	userTable = "sys_user"
)

// maxLimit is the instance's default and ceiling for sysparm_limit
// (glide.db.max_view_records).
const maxLimit = 10000

var sysIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// readOnly are the system fields a write cannot set (sys_id only on insert).
var readOnly = map[string]bool{
	"sys_id": true, "sys_created_on": true, "sys_created_by": true, "sys_updated_on": true,
	"sys_updated_by": true, "sys_mod_count": true, "sys_class_name": true, "sys_domain": true,
}

// errDuplicate is an insert or update that would repeat a unique user_name.
var errDuplicate = errors.New("duplicate user_name")

func newSysID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// table checks the path's table; an unknown one gets the instance's "Invalid table".
func table(w http.ResponseWriter, r *http.Request) bool {
	if t := r.PathValue("table"); t != userTable {
		writeError(w, http.StatusBadRequest, "Invalid table "+t, "")
		return false
	}
	return true
}

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	if !table(w, r) {
		return
	}
	q := r.URL.Query()
	query := parseQuery(q.Get("sysparm_query"))
	limit, offset := maxLimit, 0
	if n, err := strconv.Atoi(q.Get("sysparm_limit")); err == nil && n > 0 && n < maxLimit {
		limit = n
	}
	if n, err := strconv.Atoi(q.Get("sysparm_offset")); err == nil && n > 0 {
		offset = n
	}

	s.mu.Lock()
	var rows []map[string]string
	for _, id := range s.order {
		if u := s.users[id]; query.match(u) {
			rows = append(rows, clone(u))
		}
	}
	s.mu.Unlock()
	query.sort(rows)

	total := len(rows)
	page := rows[min(offset, total):min(offset+limit, total)]
	out := make([]map[string]any, len(page))
	for i, u := range page {
		out[i] = render(u, q)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	if q.Has("sysparm_limit") || offset > 0 {
		w.Header().Set("Link", links(r, limit, offset, total))
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

// links is the Link header of a page: first and last always, prev and next when there are
// such pages, each an absolute URL with the request's parameters and its own offset.
func links(r *http.Request, limit, offset, total int) string {
	base := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
	if r.TLS != nil {
		base.Scheme = "https"
	}
	at := func(off int) string {
		q := r.URL.Query()
		q.Set("sysparm_limit", strconv.Itoa(limit))
		q.Set("sysparm_offset", strconv.Itoa(off))
		u := base
		u.RawQuery = q.Encode()
		return "<" + u.String() + ">"
	}
	last := 0
	if total > 0 {
		last = (total - 1) / limit * limit
	}
	parts := []string{at(0) + `;rel="first"`}
	if offset > 0 {
		parts = append(parts, at(max(offset-limit, 0))+`;rel="prev"`)
	}
	if offset+limit < total {
		parts = append(parts, at(offset+limit)+`;rel="next"`)
	}
	parts = append(parts, at(last)+`;rel="last"`)
	return strings.Join(parts, ",")
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	if !table(w, r) {
		return
	}
	s.mu.Lock()
	u, ok := s.users[r.PathValue("sys_id")]
	if ok {
		u = clone(u)
	}
	s.mu.Unlock()
	if !ok {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": render(u, r.URL.Query())})
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	if !table(w, r) {
		return
	}
	in, ok := readBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	u, err := s.insert(in, s.caller(r))
	if err == nil {
		u = clone(u)
	}
	s.mu.Unlock()
	if err != nil {
		writeWriteError(w, "insert", strings.TrimSpace(text(in["first_name"])+" "+text(in["last_name"])), err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"result": render(u, r.URL.Query())})
}

func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	if !table(w, r) {
		return
	}
	in, ok := readBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	u, found := s.users[r.PathValue("sys_id")]
	var err error
	if found {
		err = s.write(u, in, s.caller(r))
		u = clone(u)
	}
	s.mu.Unlock()
	switch {
	case !found:
		notFound(w)
	case err != nil:
		writeWriteError(w, "update", u["name"], err)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"result": render(u, r.URL.Query())})
	}
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	if !table(w, r) {
		return
	}
	id := r.PathValue("sys_id")
	s.mu.Lock()
	_, found := s.users[id]
	if found {
		delete(s.users, id)
		for i, x := range s.order {
			if x == id {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
	}
	s.mu.Unlock()
	if !found {
		notFound(w)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readBody decodes a write's JSON object, answering 400 like the instance when it is not one.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var in map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil || in == nil {
		writeError(w, http.StatusBadRequest, "Exception while reading request", "The payload is not valid JSON.")
		return nil, false
	}
	return in, true
}

// writeWriteError answers a rejected write. A unique-index violation is what the real
// instance reports as a 403 "Operation Failed" naming the record's display value (name).
func writeWriteError(w http.ResponseWriter, op, name string, err error) {
	if errors.Is(err, errDuplicate) {
		writeError(w, http.StatusForbidden, "Operation Failed", fmt.Sprintf("Error during %s of %s (%s)", op, userTable, name))
		return
	}
	writeError(w, http.StatusBadRequest, "Invalid request", err.Error())
}

// insert adds a user; s.mu is held.
func (s *Server) insert(in map[string]any, by string) (map[string]string, error) {
	id := text(in["sys_id"])
	if !sysIDPattern.MatchString(id) {
		id = newSysID()
	}
	if _, taken := s.users[id]; taken {
		return nil, errDuplicate
	}
	now := timestamp(time.Now())
	u := map[string]string{
		"sys_id": id, "sys_class_name": userTable, "sys_created_on": now, "sys_created_by": by,
		"sys_mod_count": "-1", "active": "true", "locked_out": "false",
	}
	if err := s.write(u, in, by); err != nil {
		return nil, err
	}
	s.users[id] = u
	s.order = append(s.order, id)
	return u, nil
}

// write sets the writable fields of in on u, keeping user_name unique and name computed as
// the sys_user business rule does; s.mu is held. u is left alone when the write fails.
func (s *Server) write(u map[string]string, in map[string]any, by string) error {
	next := clone(u)
	for k, v := range in {
		if !readOnly[k] {
			next[k] = text(v)
		}
	}
	if name := next["user_name"]; name != "" {
		for id, other := range s.users {
			if id != u["sys_id"] && strings.EqualFold(other["user_name"], name) {
				return errDuplicate
			}
		}
	}
	next["name"] = strings.TrimSpace(next["first_name"] + " " + next["last_name"])
	next["sys_updated_on"] = timestamp(time.Now())
	next["sys_updated_by"] = by
	mods, _ := strconv.Atoi(next["sys_mod_count"])
	next["sys_mod_count"] = strconv.Itoa(mods + 1)
	for k, v := range next {
		u[k] = v
	}
	return nil
}

// text renders a written value the way the instance stores it: everything is a string.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// render shapes a user for an answer: only sysparm_fields when given, and values or
// {display_value, value} pairs per sysparm_display_value (display values equal the values
// here, references being stored as sent).
func render(u map[string]string, q url.Values) map[string]any {
	keys := make([]string, 0, len(u))
	if f := q.Get("sysparm_fields"); f != "" {
		for _, k := range strings.Split(f, ",") {
			if k = strings.TrimSpace(k); k != "" {
				keys = append(keys, k)
			}
		}
	} else {
		for k := range u {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	}
	all := strings.EqualFold(q.Get("sysparm_display_value"), "all")
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		v := u[k]
		if all {
			out[k] = map[string]string{"display_value": v, "value": v}
		} else {
			out[k] = v
		}
	}
	return out
}
