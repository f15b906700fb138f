package okta

import (
	"net/http"
	"strings"
	"time"
)

// App is an app instance as the Go seeding methods see it.
type App struct{ ID, Name, Label string }

type app struct {
	id, name, label      string
	created, lastUpdated time.Time
	users                map[string]*appUser // by Okta user id
	order                []string            // assigned user ids, in assignment order
}

// appUser is an assignment. Its own id ("0ua…") only shows in System Log targets; the
// API names it by the Okta user id.
type appUser struct {
	id, userID                          string
	profile                             map[string]any
	created, lastUpdated, statusChanged time.Time
}

func (a *app) json(base string) map[string]any {
	self := base + "/api/v1/apps/" + a.id
	return map[string]any{
		"id":            a.id,
		"name":          a.name,
		"label":         a.label,
		"status":        "ACTIVE",
		"created":       stamp(a.created),
		"lastUpdated":   stamp(a.lastUpdated),
		"signOnMode":    "AUTO_LOGIN",
		"features":      []string{"PUSH_NEW_USERS", "PUSH_PROFILE_UPDATES", "PUSH_USER_DEACTIVATION", "REACTIVATE_USERS"},
		"accessibility": map[string]any{"selfService": false},
		"visibility": map[string]any{
			"autoSubmitToolbar": false,
			"hide":              map[string]any{"iOS": false, "web": false},
		},
		"settings": map[string]any{"app": map[string]any{}},
		"_links": map[string]any{
			"self":  map[string]any{"href": self},
			"users": map[string]any{"href": self + "/users"},
		},
	}
}

func (s *Server) appUserJSON(a *app, au *appUser, base string, expand bool) map[string]any {
	u := s.users[au.userID]
	m := map[string]any{
		"id":            au.userID,
		"created":       stamp(au.created),
		"lastUpdated":   stamp(au.lastUpdated),
		"statusChanged": stamp(au.statusChanged),
		"lastSync":      stamp(au.lastUpdated),
		"scope":         "USER",
		"status":        "PROVISIONED",
		"syncState":     "SYNCHRONIZED",
		"credentials":   map[string]any{"userName": u.login()},
		"profile":       cloneMap(au.profile),
		"_links": map[string]any{
			"app":  map[string]any{"href": base + "/api/v1/apps/" + a.id},
			"user": map[string]any{"href": base + "/api/v1/users/" + u.id},
		},
	}
	if expand {
		m["_embedded"] = map[string]any{"user": u.json(base)}
	}
	return m
}

// AddApp adds an app instance; label is what admins see (and what log targets carry).
func (s *Server) AddApp(name, label string) App {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	a := &app{id: newID("0oa"), name: name, label: label, created: now, lastUpdated: now,
		users: map[string]*appUser{}}
	s.apps[a.id] = a
	s.appIDs = append(s.appIDs, a.id)
	s.logEvent(goOrigin("POST", "/api/v1/apps"), "application.lifecycle.create", nil,
		target(a.id, "AppInstance", a.label, a.label))
	return App{ID: a.id, Name: name, Label: label}
}

func (s *Server) mustApp(id string) (*app, error) {
	if a := s.apps[id]; a != nil {
		return a, nil
	}
	return nil, errNotFound(id + " (AppInstance)")
}

// Assign assigns the user to the app, like POST /api/v1/apps/{appId}/users, and logs
// application.user_membership.add. It returns the assignment's own "0ua…" id.
func (s *Server) Assign(appID, userID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, u, err := s.appAndUser(appID, userID)
	if err != nil {
		return "", err
	}
	au := s.assignLocked(goOrigin("POST", "/api/v1/apps/"+a.id+"/users"), a, u, nil)
	return au.id, nil
}

// Unassign removes the assignment, like DELETE /api/v1/apps/{appId}/users/{userId},
// and logs application.user_membership.remove.
func (s *Server) Unassign(appID, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, u, err := s.appAndUser(appID, userID)
	if err != nil {
		return err
	}
	return s.unassignLocked(goOrigin("DELETE", "/api/v1/apps/"+a.id+"/users/"+u.id), a, u)
}

func (s *Server) appAndUser(appID, userID string) (*app, *user, error) {
	a, err := s.mustApp(appID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.mustUser(userID)
	if err != nil {
		return nil, nil, err
	}
	return a, u, nil
}

func (s *Server) assignLocked(o origin, a *app, u *user, profile map[string]any) *appUser {
	now := s.now()
	if au := a.users[u.id]; au != nil {
		// Already assigned: Okta updates the assignment and logs no new add.
		if profile != nil {
			au.profile, au.lastUpdated = cloneMap(profile), now
		}
		return au
	}
	au := &appUser{id: newID("0ua"), userID: u.id, profile: cloneMap(orEmpty(profile)),
		created: now, lastUpdated: now, statusChanged: now}
	a.users[u.id] = au
	a.order = append(a.order, u.id)
	s.logEvent(o, "application.user_membership.add", nil, membershipTargets(a, au, u)...)
	return au
}

func (s *Server) unassignLocked(o origin, a *app, u *user) error {
	au := a.users[u.id]
	if au == nil {
		return errNotFound(u.id + " (AppUser)")
	}
	delete(a.users, u.id)
	a.order = deleteID(a.order, u.id)
	s.logEvent(o, "application.user_membership.remove", nil, membershipTargets(a, au, u)...)
	return nil
}

// membershipTargets are in the order real events carry them: AppUser, AppInstance, User.
func membershipTargets(a *app, au *appUser, u *user) []map[string]any {
	return []map[string]any{
		target(au.id, "AppUser", u.login(), u.displayName()),
		target(a.id, "AppInstance", a.label, a.label),
		userTarget(u),
	}
}

// HTTP handlers.

func (s *Server) listApps(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := limitParam(q, 20, 200)
	if err != nil {
		writeErr(w, err)
		return
	}
	var f *filter
	if expr := q.Get("filter"); expr != "" {
		if f, err = parseFilter(expr, func(a string) bool {
			return a == "user.id" || a == "status" || a == "name" || a == "group.id"
		}); err != nil {
			writeErr(w, errBadParam("Invalid filter: "+expr))
			return
		}
	}
	kw := strings.ToLower(q.Get("q"))
	base := baseURL(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []map[string]any
	var ids []string
	for _, id := range s.appIDs {
		a := s.apps[id]
		if kw != "" && !strings.HasPrefix(strings.ToLower(a.label), kw) && !strings.HasPrefix(strings.ToLower(a.name), kw) {
			continue
		}
		if f != nil && !f.match(appGetter(a)) {
			continue
		}
		ids = append(ids, id)
		all = append(all, a.json(base))
	}
	writePage(w, r, all, ids, q.Get("after"), limit)
}

func appGetter(a *app) func(string) []any {
	return func(attr string) []any {
		switch attr {
		case "user.id":
			out := make([]any, len(a.order))
			for i, id := range a.order {
				out[i] = id
			}
			return out
		case "status":
			return []any{"ACTIVE"}
		case "name":
			return []any{a.name}
		}
		return nil
	}
}

func (s *Server) getApp(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.mustApp(r.PathValue("app"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a.json(baseURL(r)))
}

func (s *Server) listAppUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := limitParam(q, 50, 500)
	if err != nil {
		writeErr(w, err)
		return
	}
	expand := q.Get("expand") == "user"
	kw := strings.ToLower(q.Get("q"))
	base := baseURL(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.mustApp(r.PathValue("app"))
	if err != nil {
		writeErr(w, err)
		return
	}
	var all []map[string]any
	var ids []string
	for _, id := range a.order {
		if kw != "" && !userStartsWith(s.users[id], kw) {
			continue
		}
		ids = append(ids, id)
		all = append(all, s.appUserJSON(a, a.users[id], base, expand))
	}
	writePage(w, r, all, ids, q.Get("after"), limit)
}

func (s *Server) assignAppUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ID      string         `json:"id"`
		Profile map[string]any `json:"profile"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, err)
		return
	}
	if body.ID == "" {
		writeErr(w, errValidation("id: The field cannot be left blank"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, u, err := s.appAndUser(r.PathValue("app"), body.ID)
	if err != nil {
		writeErr(w, err)
		return
	}
	au := s.assignLocked(httpOrigin(w, r), a, u, body.Profile)
	writeJSON(w, http.StatusOK, s.appUserJSON(a, au, baseURL(r), false))
}

// appUserLocked returns the app and assignment the request's path names; s.mu is held.
func (s *Server) appUserLocked(r *http.Request) (*app, *appUser, error) {
	a, err := s.mustApp(r.PathValue("app"))
	if err != nil {
		return nil, nil, err
	}
	uid := r.PathValue("u")
	au := a.users[uid]
	if au == nil {
		return nil, nil, errNotFound(uid + " (AppUser)")
	}
	return a, au, nil
}

func (s *Server) getAppUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, au, err := s.appUserLocked(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.appUserJSON(a, au, baseURL(r), r.URL.Query().Get("expand") == "user"))
}

func (s *Server) updateAppUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Profile map[string]any `json:"profile"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, au, err := s.appUserLocked(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	if body.Profile != nil {
		au.profile, au.lastUpdated = cloneMap(body.Profile), s.now()
	}
	writeJSON(w, http.StatusOK, s.appUserJSON(a, au, baseURL(r), false))
}

func (s *Server) unassignAppUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, u, err := s.appAndUser(r.PathValue("app"), r.PathValue("u"))
	if err == nil {
		err = s.unassignLocked(httpOrigin(w, r), a, u)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	noContent(w)
}
