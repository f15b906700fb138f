package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/elimity-com/scim/schema"
)

// The Go methods go through the same shim and library code as HTTP requests (without
// auth, recording or injected failures), so a seeded user is exactly what POST /Users
// would have made and User returns exactly what GET /Users/{id} would.

// AddUser seeds a user as POST /Users would: attrs is the JSON body ("schemas" may be
// left out), userName is required and unique ignoring case, and the vendor's rules apply
// (github wants externalId, slack an email). It returns the new id.
func (s *Server) AddUser(attrs map[string]any) (string, error) {
	body := make(map[string]any, len(attrs)+1)
	for k, v := range attrs {
		body[k] = v
	}
	if _, ok := body["schemas"]; !ok {
		body["schemas"] = []string{schema.UserSchema}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	status, res := s.internal(http.MethodPost, "/Users", raw)
	if status != http.StatusCreated {
		return "", fmt.Errorf("scim stand-in: AddUser: %d %v", status, res["detail"])
	}
	return res["id"].(string), nil
}

// User returns the stored user with that userName (ignoring case) as GET /Users/{id}
// returns it.
func (s *Server) User(userName string) (map[string]any, bool) {
	s.mu.Lock()
	var id string
	for _, u := range s.users.order {
		if strings.EqualFold(u.attrs["userName"].(string), userName) {
			id = u.id
		}
	}
	s.mu.Unlock()
	if id == "" {
		return nil, false
	}
	status, res := s.internal(http.MethodGet, "/Users/"+id, nil)
	return res, status == http.StatusOK
}

// Users returns every stored user, in creation order, as GET /Users/{id} returns them.
func (s *Server) Users() []map[string]any {
	s.mu.Lock()
	ids := make([]string, 0, len(s.users.order))
	for _, u := range s.users.order {
		ids = append(ids, u.id)
	}
	s.mu.Unlock()
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		if status, res := s.internal(http.MethodGet, "/Users/"+id, nil); status == http.StatusOK {
			out = append(out, res)
		}
	}
	return out
}

// internal serves one request below the base path, as from the latest client's host so
// meta.location matches what the client saw.
func (s *Server) internal(method, path string, body []byte) (int, map[string]any) {
	r := httptest.NewRequest(method, s.base+path, bytes.NewReader(body))
	s.mu.Lock()
	origin := s.origin
	s.mu.Unlock()
	r.Header.Set("User-Agent", "ilm-scim-standin")
	w := httptest.NewRecorder()
	s.serve(w, r, origin)
	var res map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &res)
	return w.Code, res
}
