package okta

import (
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
)

// User is a user as the Go seeding methods see it.
type User struct {
	ID, Status                          string
	Profile                             map[string]any
	Created, LastUpdated, StatusChanged time.Time
}

type user struct {
	id, status                          string
	profile                             map[string]any
	created, lastUpdated, statusChanged time.Time
	activated, passwordChanged          time.Time
}

func (u *user) login() string { s, _ := u.profile["login"].(string); return s }

func (u *user) displayName() string {
	f, _ := u.profile["firstName"].(string)
	l, _ := u.profile["lastName"].(string)
	return strings.TrimSpace(f + " " + l)
}

func (u *user) export() User {
	return User{ID: u.id, Status: u.status, Profile: cloneMap(u.profile),
		Created: u.created, LastUpdated: u.lastUpdated, StatusChanged: u.statusChanged}
}

// Okta time stamps carry milliseconds and a Z.
const timeLayout = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(timeLayout) }

// json is the wire shape of a user. Okta sends null for dates that never happened; we
// leave them out, which okta-sdk-golang decodes the same way.
func (u *user) json(base string) map[string]any {
	m := map[string]any{
		"id":            u.id,
		"status":        u.status,
		"created":       stamp(u.created),
		"statusChanged": stamp(u.statusChanged),
		"lastUpdated":   stamp(u.lastUpdated),
		"profile":       cloneMap(u.profile),
		"credentials": map[string]any{
			"provider": map[string]any{"type": "OKTA", "name": "OKTA"},
		},
		"_links": map[string]any{"self": map[string]any{"href": base + "/api/v1/users/" + u.id}},
	}
	if !u.activated.IsZero() {
		m["activated"] = stamp(u.activated)
	}
	if !u.passwordChanged.IsZero() {
		m["passwordChanged"] = stamp(u.passwordChanged)
	}
	return m
}

// findUser looks a user up by id or (case-insensitive) login. Callers hold s.mu.
func (s *Server) findUser(idOrLogin string) *user {
	if u := s.users[idOrLogin]; u != nil {
		return u
	}
	if id, ok := s.logins[strings.ToLower(idOrLogin)]; ok {
		return s.users[id]
	}
	return nil
}

func (s *Server) mustUser(idOrLogin string) (*user, error) {
	if u := s.findUser(idOrLogin); u != nil {
		return u, nil
	}
	return nil, errNotFound(idOrLogin + " (User)")
}

// CreateUser adds a user, ACTIVE when activate, else STAGED, and logs
// user.lifecycle.create (and user.lifecycle.activate). profile needs a unique login.
func (s *Server) CreateUser(profile map[string]any, activate bool) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.createUserLocked(goOrigin("POST", "/api/v1/users"), profile, activate, false)
	if err != nil {
		return User{}, err
	}
	return u.export(), nil
}

func (s *Server) createUserLocked(o origin, profile map[string]any, activate, needEmail bool) (*user, error) {
	login, _ := profile["login"].(string)
	var causes []string
	if login == "" {
		causes = append(causes, "login: The field cannot be left blank")
	}
	if email, _ := profile["email"].(string); needEmail && email == "" {
		causes = append(causes, "email: The field cannot be left blank")
	}
	if len(causes) > 0 {
		return nil, errValidation(causes...)
	}
	if _, dup := s.logins[strings.ToLower(login)]; dup {
		return nil, errValidation("login: An object with this field already exists in the current organization")
	}
	now := s.now()
	u := &user{id: newID("00u"), status: "STAGED", profile: cloneMap(profile),
		created: now, lastUpdated: now, statusChanged: now}
	s.users[u.id] = u
	s.userIDs = append(s.userIDs, u.id)
	s.logins[strings.ToLower(login)] = u.id
	s.logEvent(o, "user.lifecycle.create", nil, userTarget(u))
	if activate {
		u.status, u.activated = "ACTIVE", now
		s.logEvent(o, "user.lifecycle.activate", nil, userTarget(u))
	}
	return u, nil
}

// User finds a user by id or login.
func (s *Server) User(idOrLogin string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.findUser(idOrLogin); u != nil {
		return u.export(), true
	}
	return User{}, false
}

// Users returns every user, in creation order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.userIDs))
	for _, id := range s.userIDs {
		out = append(out, s.users[id].export())
	}
	return out
}

// UpdateProfile merges changes into the user's profile, like POST /api/v1/users/{id},
// and logs user.account.update_profile naming the changed attributes.
func (s *Server) UpdateProfile(userID string, changes map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.mustUser(userID)
	if err != nil {
		return err
	}
	return s.setProfileLocked(goOrigin("POST", "/api/v1/users/"+u.id), u, changes, false)
}

// setProfileLocked merges (or with replace, sets) the profile and logs the change, if any.
func (s *Server) setProfileLocked(o origin, u *user, in map[string]any, replace bool) error {
	next := cloneMap(in)
	if !replace {
		next = cloneMap(u.profile)
		maps.Copy(next, in)
	}
	for k, v := range next {
		if v == nil {
			delete(next, k)
		}
	}
	login, _ := next["login"].(string)
	if login == "" {
		return errValidation("login: The field cannot be left blank")
	}
	if id, dup := s.logins[strings.ToLower(login)]; dup && id != u.id {
		return errValidation("login: An object with this field already exists in the current organization")
	}
	var changed []string
	for k := range union(u.profile, next) {
		if !reflect.DeepEqual(u.profile[k], next[k]) {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	slices.Sort(changed)
	delete(s.logins, strings.ToLower(u.login()))
	s.logins[strings.ToLower(login)] = u.id
	u.profile, u.lastUpdated = next, s.now()
	s.logEvent(o, "user.account.update_profile",
		map[string]any{"changedAttributes": strings.Join(changed, ",")}, userTarget(u))
	return nil
}

func union(a, b map[string]any) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// transition applies a lifecycle operation with Okta's state machine.
func (s *Server) transition(o origin, u *user, op string) (any, error) {
	allowed := map[string][]string{
		"activate":   {"STAGED", "DEPROVISIONED"},
		"deactivate": {"STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "SUSPENDED"},
		"reactivate": {"PROVISIONED"},
		"suspend":    {"ACTIVE"},
		"unsuspend":  {"SUSPENDED"},
	}
	to := map[string]string{"activate": "ACTIVE", "deactivate": "DEPROVISIONED",
		"reactivate": "PROVISIONED", "suspend": "SUSPENDED", "unsuspend": "ACTIVE"}
	from, ok := allowed[op]
	if !ok {
		return nil, errNotFound("lifecycle/" + op)
	}
	if op == "activate" && u.status == "ACTIVE" {
		return nil, errAlreadyActive()
	}
	if !slices.Contains(from, u.status) {
		return nil, errWrongStatus()
	}
	now := s.now()
	u.status, u.statusChanged, u.lastUpdated = to[op], now, now
	if op == "activate" {
		u.activated = now
	}
	s.logEvent(o, "user.lifecycle."+op, nil, userTarget(u))
	if op == "activate" || op == "reactivate" {
		tok := randomID(20)
		return map[string]any{"activationToken": tok,
			"activationUrl": o.base + "/welcome/" + tok}, nil
	}
	return map[string]any{}, nil
}

// deleteUserLocked removes a DEPROVISIONED user with its memberships and assignments.
func (s *Server) deleteUserLocked(o origin, u *user) {
	s.logEvent(o, "user.lifecycle.delete.initiated", nil, userTarget(u))
	delete(s.users, u.id)
	delete(s.logins, strings.ToLower(u.login()))
	s.userIDs = deleteID(s.userIDs, u.id)
	for _, g := range s.groups {
		delete(g.memberSet, u.id)
		g.order = deleteID(g.order, u.id)
	}
	for _, a := range s.apps {
		delete(a.users, u.id)
		a.order = deleteID(a.order, u.id)
	}
}

// HTTP handlers.

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := limitParam(q, 200, 200)
	if err != nil {
		writeErr(w, err)
		return
	}
	expr := q.Get("search")
	if expr == "" {
		expr = q.Get("filter")
	}
	var f *filter
	if expr != "" {
		if f, err = parseFilter(expr, userAttr); err != nil {
			writeErr(w, errBadParam("Invalid search criteria."))
			return
		}
	}
	kw := strings.ToLower(q.Get("q"))
	base := baseURL(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []map[string]any
	var ids []string
	for _, id := range s.userIDs {
		u := s.users[id]
		switch {
		case f != nil && !f.match(userGetter(u)):
			continue
		case f == nil && u.status == "DEPROVISIONED":
			continue // the default listing hides deprovisioned users
		case kw != "" && !userStartsWith(u, kw):
			continue
		}
		ids = append(ids, id)
		all = append(all, u.json(base))
	}
	writePage(w, r, all, ids, q.Get("after"), limit)
}

func userStartsWith(u *user, kw string) bool {
	for _, k := range []string{"firstName", "lastName", "email", "login"} {
		if v, _ := u.profile[k].(string); strings.HasPrefix(strings.ToLower(v), kw) {
			return true
		}
	}
	return false
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Profile map[string]any `json:"profile"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, err)
		return
	}
	activate := r.URL.Query().Get("activate") != "false"
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.createUserLocked(httpOrigin(w, r), orEmpty(body.Profile), activate, true)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, u.json(baseURL(r)))
}

// userHandler serves a request about one user; s.mu is held.
type userHandler func(w http.ResponseWriter, r *http.Request, u *user) error

// onUser serves h with the user the path names, under s.mu; a missing user, or an error h
// returns, is answered as Okta does.
func (s *Server) onUser(h userHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		u, err := s.mustUser(r.PathValue("id"))
		if err == nil {
			err = h(w, r, u)
		}
		if err != nil {
			writeErr(w, err)
		}
	}
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, u *user) error {
	writeJSON(w, http.StatusOK, u.json(baseURL(r)))
	return nil
}

// updateUser is POST (partial: the profile is merged) or PUT (the profile is replaced).
func (s *Server) updateUser(replace bool) userHandler {
	return func(w http.ResponseWriter, r *http.Request, u *user) error {
		var body struct {
			Profile map[string]any `json:"profile"`
		}
		if err := decodeBody(r, &body); err != nil {
			return err
		}
		if body.Profile != nil || replace {
			if err := s.setProfileLocked(httpOrigin(w, r), u, orEmpty(body.Profile), replace); err != nil {
				return err
			}
		}
		writeJSON(w, http.StatusOK, u.json(baseURL(r)))
		return nil
	}
}

// deleteUser deactivates a user that is not DEPROVISIONED, and deletes one that is.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, u *user) error {
	if u.status == "DEPROVISIONED" {
		s.deleteUserLocked(httpOrigin(w, r), u)
	} else if _, err := s.transition(httpOrigin(w, r), u, "deactivate"); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) lifecycle(w http.ResponseWriter, r *http.Request, u *user) error {
	out, err := s.transition(httpOrigin(w, r), u, r.PathValue("op"))
	if err != nil {
		return err
	}
	if r.URL.Query().Get("sendEmail") != "false" {
		out = map[string]any{} // sendEmail defaults to true: the token went by email
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listUserGroups(w http.ResponseWriter, r *http.Request, u *user) error {
	base := baseURL(r)
	var all []map[string]any
	var ids []string
	for _, id := range s.groupIDs {
		if g := s.groups[id]; g.memberSet[u.id] {
			ids = append(ids, id)
			all = append(all, g.json(base))
		}
	}
	limit, err := limitParam(r.URL.Query(), 10000, 10000)
	if err != nil {
		return err
	}
	writePage(w, r, all, ids, r.URL.Query().Get("after"), limit)
	return nil
}

// userAttr says which attributes a users search may name.
func userAttr(a string) bool {
	switch a {
	case "id", "status", "created", "activated", "lastUpdated", "statusChanged", "type.id":
		return true
	}
	return strings.HasPrefix(a, "profile.")
}

func userGetter(u *user) func(string) []any {
	return func(a string) []any {
		switch a {
		case "id":
			return []any{u.id}
		case "status":
			return []any{u.status}
		case "created":
			return []any{stamp(u.created)}
		case "lastUpdated":
			return []any{stamp(u.lastUpdated)}
		case "statusChanged":
			return []any{stamp(u.statusChanged)}
		case "activated":
			if u.activated.IsZero() {
				return nil
			}
			return []any{stamp(u.activated)}
		}
		if k, ok := strings.CutPrefix(a, "profile."); ok {
			if v, ok := u.profile[k]; ok {
				return []any{v}
			}
		}
		return nil
	}
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func deleteID(ids []string, id string) []string {
	return slices.DeleteFunc(ids, func(x string) bool { return x == id })
}
