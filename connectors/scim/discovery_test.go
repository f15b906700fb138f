package scim_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/scim"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/scim"
	"github.com/ilm-dev/ilm/profile"
)

const department = enterprise + ":department"

// The stock mapper against an app whose User resource type declares no enterprise
// extension: every write succeeds without department, and says so. Strict, the app refuses
// department in a create too; lenient, it drops it there and refuses it in a PATCH, as the
// conformant apps of the report did. Each way an update can go: PATCH (update_method auto
// on an app with PATCH), PUT (auto on an app without) and PUT configured.
func TestAppWithoutEnterpriseExtension(t *testing.T) {
	for _, mode := range standin.Modes {
		for name, tc := range map[string]struct {
			noPatch bool
			method  string
			write   string
		}{
			"auto-patch": {method: scim.UpdateAuto, write: http.MethodPatch},
			"auto-put":   {noPatch: true, method: scim.UpdateAuto, write: http.MethodPut},
			"put":        {method: scim.UpdatePut, write: http.MethodPut},
		} {
			t.Run(mode.Name+"/"+name, func(t *testing.T) {
				// racing, when set, runs before the next POST /Users reaches the app.
				var racing func()
				conflicts := 0
				s, c := appBehind(t, standin.Config{Strict: mode.Strict, NoEnterpriseExtension: true, NoPatch: tc.noPatch},
					func(s *standin.Server) http.Handler {
						return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
							if r.Method == http.MethodPost && racing != nil {
								racing()
								racing = nil
								rec := httptest.NewRecorder()
								s.ServeHTTP(rec, r)
								if rec.Code == http.StatusConflict {
									conflicts++
								}
								for k, v := range rec.Header() {
									w.Header()[k] = v
								}
								w.WriteHeader(rec.Code)
								_, _ = w.Write(rec.Body.Bytes())
								return
							}
							s.ServeHTTP(w, r)
						})
					}, func(cfg *scim.Config) { cfg.UpdateMethod = tc.method })
				ctx := context.Background()
				warned := func(op string, res connectors.Result) {
					t.Helper()
					require.Len(t, res.Warnings, 1, op)
					assert.Contains(t, res.Warnings[0], department, op)
					assert.Contains(t, res.Warnings[0], "declares no schema extension "+enterprise, op)
				}

				created, err := c.Create(ctx, grace())
				require.NoError(t, err, "create")
				warned("create", created)

				moved := grace()
				moved.Fields[profile.Title] = "Commodore"
				moved.Fields[profile.Department] = "Fleet"
				upd, err := c.Update(ctx, moved, connectors.UpdateOptions{})
				require.NoError(t, err, "update")
				warned("update", upd)
				assert.Equal(t, []string{"title"}, upd.Details["changed_attributes"])

				same, err := c.Update(ctx, moved, connectors.UpdateOptions{})
				require.NoError(t, err, "update with nothing to change")
				warned("update with nothing to change", same)
				assert.Nil(t, same.Details, "nothing sent")

				off, err := c.Disable(ctx, moved)
				require.NoError(t, err, "disable")
				assert.Empty(t, off.Warnings, "a disable sends active alone, nothing the app lacks")
				on, err := c.Update(ctx, moved, connectors.UpdateOptions{AllowEnable: true})
				require.NoError(t, err, "re-enable")
				warned("re-enable", on)
				assert.True(t, on.Active)

				// A create that meets a user created since the lookup (409) converges on
				// it with an update, without department.
				ada := grace()
				ada.Fields[profile.EmployeeID], ada.Fields[profile.Username], ada.Fields[profile.Email] = "1008", "ada.lovelace@example.com", "ada.lovelace@example.com"
				ada.Fields[profile.GivenName], ada.Fields[profile.DisplayName] = "Ada", "Ada Lovelace"
				racing = func() {
					_, err := s.AddUser(map[string]any{"userName": "ada.lovelace@example.com", "externalId": "1008",
						"emails": []any{map[string]any{"value": "ada.lovelace@example.com", "primary": true}}})
					require.NoError(t, err)
				}
				converged, err := c.Create(ctx, ada)
				require.NoError(t, err, "409 convergence")
				warned("409 convergence", converged)
				assert.Len(t, s.Users(), 2)
				assert.Equal(t, 1, conflicts, "the create was refused as a conflict")
				a, _ := s.User("ada.lovelace@example.com")
				assert.Equal(t, "Ada Lovelace", a["displayName"], "converged with an update")

				u, ok := s.User("grace.hopper@example.com")
				require.True(t, ok)
				assert.Equal(t, "Commodore", u["title"])
				assert.Equal(t, true, u["active"])
				assert.Nil(t, u[enterprise])
				var writes int
				for _, r := range s.Requests() {
					assert.NotContains(t, string(r.Body), "department", "%s %s", r.Method, r.Path)
					if r.Method == tc.write {
						writes++
					}
				}
				assert.Positive(t, writes, "updates went as %s", tc.write)
			})
		}
	}
}

// With the extension declared, department is sent and stored, and nothing is warned of.
func TestDeclaredExtensionIsSent(t *testing.T) {
	for _, mode := range standin.Modes {
		s, c := app(t, standin.Config{Strict: mode.Strict})
		ctx := context.Background()
		created, err := c.Create(ctx, grace())
		require.NoError(t, err, mode.Name)
		assert.Empty(t, created.Warnings, mode.Name)
		u, _ := s.User("grace.hopper@example.com")
		assert.Equal(t, "Navy", pick(u[enterprise], "department")["department"], mode.Name)

		moved := grace()
		moved.Fields[profile.Department] = "Fleet"
		upd, err := c.Update(ctx, moved, connectors.UpdateOptions{})
		require.NoError(t, err, mode.Name)
		assert.Empty(t, upd.Warnings, mode.Name)
		assert.Equal(t, []string{department}, upd.Details["changed_attributes"], mode.Name)
		u, _ = s.User("grace.hopper@example.com")
		assert.Equal(t, "Fleet", pick(u[enterprise], "department")["department"], mode.Name)
	}
}

// discoveryRequests counts the requests to each discovery endpoint.
func discoveryRequests(s *standin.Server) map[string]int {
	n := map[string]int{}
	for _, r := range s.Requests() {
		for _, p := range []string{"/ServiceProviderConfig", "/ResourceTypes", "/Schemas"} {
			if r.Method == http.MethodGet && strings.HasSuffix(r.Path, p) {
				n[p]++
			}
		}
	}
	return n
}

var discoveredOnce = map[string]int{"/ServiceProviderConfig": 1, "/ResourceTypes": 1, "/Schemas": 1}

// Discovery happens once per client, at its first write, and is trusted for an hour.
func TestDiscoveryOncePerInstance(t *testing.T) {
	s, c := app(t, standin.Config{Strict: true, NoEnterpriseExtension: true})
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	scim.SetClock(c, func() time.Time { return now })
	ctx := context.Background()
	_, err := c.Get(ctx, grace())
	require.NoError(t, err)
	assert.Empty(t, discoveryRequests(s), "reads discover nothing")
	for _, id := range []string{"1007", "1008", "1009"} {
		p := grace()
		p.Fields[profile.EmployeeID], p.Fields[profile.Username] = id, id+"@example.com"
		_, err := c.Create(ctx, p)
		require.NoError(t, err)
		p.Fields[profile.Title] = "Commodore"
		_, err = c.Update(ctx, p, connectors.UpdateOptions{})
		require.NoError(t, err)
		_, err = c.Disable(ctx, p)
		require.NoError(t, err)
	}
	assert.Equal(t, discoveredOnce, discoveryRequests(s))

	now = now.Add(59 * time.Minute)
	_, err = c.Update(ctx, grace(), connectors.UpdateOptions{AllowEnable: true})
	require.NoError(t, err)
	assert.Equal(t, discoveredOnce, discoveryRequests(s), "still trusted")

	now = now.Add(2 * time.Minute)
	_, err = c.Disable(ctx, grace())
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"/ServiceProviderConfig": 2, "/ResourceTypes": 2, "/Schemas": 2}, discoveryRequests(s), "an hour on, discovered again")
}

// An app that stops declaring the extension after discovery refuses the next PATCH with
// invalidPath: the client discovers again, once, and the update goes through without it;
// when department was all that changed, nothing is left to send.
func TestRediscoversWhenAPathIsRefused(t *testing.T) {
	for name, tc := range map[string]struct {
		title   string
		changed []string
		patches int
	}{
		"with title":      {title: "Commodore", changed: []string{"title"}, patches: 2},
		"department only": {title: "Rear Admiral", patches: 1},
	} {
		t.Run(name, func(t *testing.T) {
			s, c := app(t, standin.Config{Strict: true})
			ctx := context.Background()
			created, err := c.Create(ctx, grace())
			require.NoError(t, err)
			s.SetEnterpriseExtension(false)

			moved := grace()
			moved.Fields[profile.Title] = tc.title
			moved.Fields[profile.Department] = "Fleet"
			upd, err := c.Update(ctx, moved, connectors.UpdateOptions{})
			require.NoError(t, err)
			require.Len(t, upd.Warnings, 1)
			assert.Contains(t, upd.Warnings[0], department)
			assert.Equal(t, created.ID, upd.ID)
			assert.True(t, upd.Active)
			if tc.changed != nil {
				assert.Equal(t, tc.changed, upd.Details["changed_attributes"])
			} else {
				assert.Nil(t, upd.Details)
			}
			assert.Equal(t, map[string]int{"/ServiceProviderConfig": 2, "/ResourceTypes": 2, "/Schemas": 2}, discoveryRequests(s))
			var patches int
			for _, r := range s.Requests() {
				if r.Method == http.MethodPatch {
					patches++
				}
			}
			assert.Equal(t, tc.patches, patches, "the refused PATCH, and one without department if anything is left")
			u, _ := s.User("grace.hopper@example.com")
			assert.Equal(t, tc.title, u["title"])
		})
	}
}

// A refusal that discovering again does not explain fails the write after one
// rediscovery: no loop, and the app's scimType in the error.
func TestRefusalNotExplainedByDiscoveryFails(t *testing.T) {
	s, c := appBehind(t, standin.Config{Strict: true}, func(s *standin.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPatch {
				w.Header().Set("Content-Type", "application/scim+json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidPath","detail":"title is read-only here","status":"400"}`))
				return
			}
			s.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	_, err := c.Create(ctx, grace())
	require.NoError(t, err)
	moved := grace()
	moved.Fields[profile.Title] = "Commodore"
	res, err := c.Update(ctx, moved, connectors.UpdateOptions{})
	require.Error(t, err)
	assert.False(t, connectors.Retryable(err))
	assert.Contains(t, err.Error(), "scimType invalidPath")
	assert.Equal(t, "400", res.ErrorCode)
	assert.Equal(t, map[string]int{"/ServiceProviderConfig": 2, "/ResourceTypes": 2, "/Schemas": 2}, discoveryRequests(s))
}

// An app without /Schemas and /ResourceTypes gets every mapped attribute, as before
// discovery, and the results say they went unchecked.
func TestNoDiscoveryEndpointsSendsEverything(t *testing.T) {
	s, c := app(t, standin.Config{NoDiscovery: true})
	ctx := context.Background()
	created, err := c.Create(ctx, grace())
	require.NoError(t, err)
	require.Len(t, created.Warnings, 2)
	assert.Contains(t, created.Warnings[0], "has no /ResourceTypes")
	assert.Contains(t, created.Warnings[1], "has no /Schemas")
	assert.Contains(t, created.Warnings[1], "it answers 404")
	assert.NotContains(t, strings.Join(created.Warnings, " "), "does not exist", "the app's own words stay out: results are not redacted")
	u, _ := s.User("grace.hopper@example.com")
	assert.Equal(t, "Navy", pick(u[enterprise], "department")["department"])

	moved := grace()
	moved.Fields[profile.Department] = "Fleet"
	upd, err := c.Update(ctx, moved, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Len(t, upd.Warnings, 2)
	u, _ = s.User("grace.hopper@example.com")
	assert.Equal(t, "Fleet", pick(u[enterprise], "department")["department"])
	assert.Equal(t, map[string]int{"/ServiceProviderConfig": 1, "/ResourceTypes": 1, "/Schemas": 1}, discoveryRequests(s), "a missing endpoint is not asked again")
}

// An app that is down during discovery fails the write as retryable and nothing is cached:
// the next write discovers.
func TestDiscoveryOutageIsRetried(t *testing.T) {
	down := true
	s, c := appBehind(t, standin.Config{Strict: true, NoEnterpriseExtension: true}, func(s *standin.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down && strings.HasSuffix(r.URL.Path, "/ResourceTypes") {
				down = false
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			s.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	_, err := c.Create(ctx, grace())
	require.Error(t, err)
	assert.True(t, connectors.Retryable(err), err)
	assert.Empty(t, s.Users())

	created, err := c.Create(ctx, grace())
	require.NoError(t, err)
	require.Len(t, created.Warnings, 1)
	assert.Contains(t, created.Warnings[0], department)
	assert.Equal(t, map[string]int{"/ServiceProviderConfig": 2, "/ResourceTypes": 1, "/Schemas": 1}, discoveryRequests(s))
}
