package okta

import (
	"net/http"
	"strings"
	"time"
)

type group struct {
	id, name, description         string
	created, lastUpdated, members time.Time
	memberSet                     map[string]bool
	order                         []string // member ids, in the order they were added
}

func (g *group) json(base string) map[string]any {
	return map[string]any{
		"id":                    g.id,
		"created":               stamp(g.created),
		"lastUpdated":           stamp(g.lastUpdated),
		"lastMembershipUpdated": stamp(g.members),
		"objectClass":           []string{"okta:user_group"},
		"type":                  "OKTA_GROUP",
		"profile":               map[string]any{"name": g.name, "description": g.description},
		"_links": map[string]any{
			"self":  map[string]any{"href": base + "/api/v1/groups/" + g.id},
			"users": map[string]any{"href": base + "/api/v1/groups/" + g.id + "/users"},
		},
	}
}

func (s *Server) mustGroup(id string) (*group, error) {
	if g := s.groups[id]; g != nil {
		return g, nil
	}
	return nil, errNotFound(id + " (UserGroup)")
}

func groupTarget(g *group) map[string]any {
	return target(g.id, "UserGroup", g.name, g.name)
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := limitParam(q, 10000, 10000)
	if err != nil {
		writeErr(w, err)
		return
	}
	kw := strings.ToLower(q.Get("q"))
	var f *filter
	if expr := q.Get("filter"); expr != "" {
		if f, err = parseFilter(expr, func(a string) bool {
			return a == "id" || a == "type" || a == "profile.name"
		}); err != nil {
			writeErr(w, errBadParam("Invalid search criteria."))
			return
		}
	}
	base := baseURL(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []map[string]any
	var ids []string
	for _, id := range s.groupIDs {
		g := s.groups[id]
		if kw != "" && !strings.HasPrefix(strings.ToLower(g.name), kw) {
			continue
		}
		if f != nil && !f.match(func(a string) []any {
			return map[string][]any{"id": {g.id}, "type": {"OKTA_GROUP"}, "profile.name": {g.name}}[a]
		}) {
			continue
		}
		ids = append(ids, id)
		all = append(all, g.json(base))
	}
	writePage(w, r, all, ids, q.Get("after"), limit)
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Profile struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"profile"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeErr(w, err)
		return
	}
	if body.Profile.Name == "" {
		writeErr(w, errValidation("name: The field cannot be left blank"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.groups {
		if strings.EqualFold(g.name, body.Profile.Name) {
			writeErr(w, errValidation("name: An object with this field already exists in the current organization"))
			return
		}
	}
	now := s.now()
	g := &group{id: newID("00g"), name: body.Profile.Name, description: body.Profile.Description,
		created: now, lastUpdated: now, members: now, memberSet: map[string]bool{}}
	s.groups[g.id] = g
	s.groupIDs = append(s.groupIDs, g.id)
	s.logEvent(httpOrigin(w, r), "group.lifecycle.create", nil, groupTarget(g))
	writeJSON(w, http.StatusOK, g.json(baseURL(r)))
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.mustGroup(r.PathValue("g"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, g.json(baseURL(r)))
}

func (s *Server) listGroupUsers(w http.ResponseWriter, r *http.Request) {
	limit, err := limitParam(r.URL.Query(), 1000, 1000)
	if err != nil {
		writeErr(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.mustGroup(r.PathValue("g"))
	if err != nil {
		writeErr(w, err)
		return
	}
	base := baseURL(r)
	var all []map[string]any
	for _, id := range g.order {
		all = append(all, s.users[id].json(base))
	}
	writePage(w, r, all, g.order, r.URL.Query().Get("after"), limit)
}

// groupMembership serves PUT (add, member true) and DELETE (remove) of the membership the
// path names: 204 either way, and a System Log event only when the membership changed.
func (s *Server) groupMembership(member bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		g, err := s.mustGroup(r.PathValue("g"))
		var u *user
		if err == nil {
			u, err = s.mustUser(r.PathValue("u"))
		}
		if err != nil {
			writeErr(w, err)
			return
		}
		if g.memberSet[u.id] != member {
			event := "group.user_membership.remove"
			if member {
				g.memberSet[u.id] = true
				g.order = append(g.order, u.id)
				event = "group.user_membership.add"
			} else {
				delete(g.memberSet, u.id)
				g.order = deleteID(g.order, u.id)
			}
			g.members = s.now()
			s.logEvent(httpOrigin(w, r), event, nil, userTarget(u), groupTarget(g))
		}
		noContent(w)
	}
}
