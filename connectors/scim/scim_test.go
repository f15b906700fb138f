package scim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/scim"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/scim"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

var vendors = []string{scim.VendorGeneric, scim.VendorGitHub, scim.VendorSlack}

// app starts the stand-in of a vendor and a connector to it with the stock mapper.
func app(t *testing.T, cfg standin.Config, opts ...func(*scim.Config)) (*standin.Server, *scim.Client) {
	t.Helper()
	return appBehind(t, cfg, nil, opts...)
}

// appBehind is app with the stand-in served through wrap (when not nil), which can change
// what the app answers.
func appBehind(t *testing.T, cfg standin.Config, wrap func(*standin.Server) http.Handler, opts ...func(*scim.Config)) (*standin.Server, *scim.Client) {
	t.Helper()
	cfg.Token = "scim-test-token"
	s := standin.New(cfg)
	var h http.Handler = s
	if wrap != nil {
		h = wrap(s)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	m, err := mappers.Stock("scim-outgoing")
	require.NoError(t, err)
	c := scim.Config{Instance: cfg.Vendor, Vendor: cfg.Vendor, BaseURL: s.BaseURL(srv.URL), Token: "scim-test-token",
		HTTPClient: srv.Client(), Mapper: m, Operations: connectors.AllOperations, Timeout: 5 * time.Second}
	for _, o := range opts {
		o(&c)
	}
	client, err := scim.New(c)
	require.NoError(t, err)
	return s, client
}

func grace() profile.Profile {
	return profile.Profile{Fields: profile.Fields{
		profile.EmployeeID: "1007", profile.Email: "grace.hopper@example.com", profile.Username: "grace.hopper@example.com",
		profile.GivenName: "Grace", profile.Surname: "Hopper", profile.DisplayName: "Grace Hopper",
		profile.Title: "Rear Admiral", profile.Department: "Navy",
	}}
}

// The contract on every vendor: create, create again (an update), update what changed,
// disable, disable again (skipped), enable with allow-enable.
func TestLifecycleOnEveryVendor(t *testing.T) { standin.InEachMode(t, lifecycleOnEveryVendor) }

func lifecycleOnEveryVendor(t *testing.T, strict bool) {
	for _, vendor := range vendors {
		t.Run(vendor, func(t *testing.T) {
			s, c := app(t, standin.Config{Vendor: vendor, Strict: strict})
			ctx := context.Background()
			res, err := c.Create(ctx, grace())
			require.NoError(t, err)
			assert.True(t, res.Active)
			u, ok := s.User("grace.hopper@example.com")
			require.True(t, ok)
			assert.Equal(t, "1007", u["externalId"])
			assert.Equal(t, map[string]any{"givenName": "Grace", "familyName": "Hopper"}, pick(u["name"], "givenName", "familyName"))
			assert.Equal(t, "Navy", pick(u[enterprise], "department")["department"])

			again, err := c.Create(ctx, grace())
			require.NoError(t, err)
			assert.Equal(t, res.ID, again.ID, "an existing user is updated, not duplicated")
			assert.Len(t, s.Users(), 1)

			moved := grace()
			moved.Fields[profile.Title] = "Commodore"
			upd, err := c.Update(ctx, moved, connectors.UpdateOptions{})
			require.NoError(t, err)
			assert.Equal(t, []string{"title"}, upd.Details["changed_attributes"])
			u, _ = s.User("grace.hopper@example.com")
			assert.Equal(t, "Commodore", u["title"])

			off, err := c.Disable(ctx, moved)
			require.NoError(t, err)
			assert.False(t, off.Active)
			u, ok = s.User("grace.hopper@example.com")
			require.True(t, ok, "disabled, not deleted")
			assert.Equal(t, false, u["active"])
			skipped, err := c.Disable(ctx, moved)
			require.NoError(t, err)
			assert.Equal(t, "User is already disabled", skipped.Reason)

			on, err := c.Update(ctx, moved, connectors.UpdateOptions{AllowEnable: true})
			require.NoError(t, err)
			assert.True(t, on.Active)
			assert.Empty(t, s.Deleted())
		})
	}
}

// GitHub's DELETE deprovisions for good: the connector never sends it; Slack's DELETE only
// deactivates, and is how Slack is disabled.
func TestDisableSpeaksEachVendorsDialect(t *testing.T) {
	standin.InEachMode(t, disableSpeaksEachVendorsDialect)
}

func disableSpeaksEachVendorsDialect(t *testing.T, strict bool) {
	for vendor, want := range map[string]string{scim.VendorGeneric: http.MethodPatch, scim.VendorGitHub: http.MethodPatch, scim.VendorSlack: http.MethodDelete} {
		s, c := app(t, standin.Config{Vendor: vendor, Strict: strict})
		_, err := c.Create(context.Background(), grace())
		require.NoError(t, err)
		_, err = c.Disable(context.Background(), grace())
		require.NoError(t, err)
		reqs := s.Requests()
		last := reqs[len(reqs)-1]
		assert.Equal(t, want, last.Method, vendor)
		for _, r := range reqs {
			assert.Equal(t, "ILM-SCIM-Client/1.0", r.UserAgent)
			if vendor == scim.VendorGitHub {
				assert.NotEqual(t, http.MethodDelete, r.Method, "never DELETE on GitHub")
			}
		}
	}
}

// An app without PATCH (its ServiceProviderConfig says so) is updated with PUT of the whole
// user, attributes ILM does not map included.
func TestPutOnlyAppGetsTheWholeUser(t *testing.T) { standin.InEachMode(t, putOnlyAppGetsTheWholeUser) }

func putOnlyAppGetsTheWholeUser(t *testing.T, strict bool) {
	s, c := app(t, standin.Config{NoPatch: true, Strict: strict})
	ctx := context.Background()
	_, err := c.Create(ctx, grace())
	require.NoError(t, err)
	moved := grace()
	moved.Fields[profile.Title] = "Commodore"
	_, err = c.Update(ctx, moved, connectors.UpdateOptions{})
	require.NoError(t, err)
	_, err = c.Disable(ctx, moved)
	require.NoError(t, err)
	var methods []string
	for _, r := range s.Requests() {
		methods = append(methods, r.Method)
	}
	assert.NotContains(t, methods, http.MethodPatch)
	assert.Contains(t, methods, http.MethodPut)
	u, _ := s.User("grace.hopper@example.com")
	assert.Equal(t, "Commodore", u["title"])
	assert.Equal(t, false, u["active"])
	assert.Equal(t, "Grace Hopper", u["displayName"])
}

func TestUpdateOfAMissingUserSkipsOrCreates(t *testing.T) {
	standin.InEachMode(t, updateOfAMissingUserSkipsOrCreates)
}

func updateOfAMissingUserSkipsOrCreates(t *testing.T, strict bool) {
	s, c := app(t, standin.Config{Strict: strict})
	res, err := c.Update(context.Background(), grace(), connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "User does not exist", res.Reason)
	assert.Empty(t, s.Users())
	_, err = c.Update(context.Background(), grace(), connectors.UpdateOptions{CreateIfNotExists: true})
	require.NoError(t, err)
	assert.Len(t, s.Users(), 1)
}

// A user whose userName differs only in case is the same user (a 409 on create).
func TestCreateConvergesOnACaseVariant(t *testing.T) {
	standin.InEachMode(t, createConvergesOnACaseVariant)
}

func createConvergesOnACaseVariant(t *testing.T, strict bool) {
	s, c := app(t, standin.Config{Strict: strict})
	_, err := s.AddUser(map[string]any{"userName": "Grace.Hopper@Example.com", "externalId": "1007",
		"emails": []any{map[string]any{"value": "Grace.Hopper@Example.com", "primary": true}}})
	require.NoError(t, err)
	res, err := c.Create(context.Background(), grace())
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.Len(t, s.Users(), 1)
}

// A renamed person is found by the old username, and by externalId.
func TestRenamedPersonIsFound(t *testing.T) { standin.InEachMode(t, renamedPersonIsFound) }

func renamedPersonIsFound(t *testing.T, strict bool) {
	s, c := app(t, standin.Config{Strict: strict})
	ctx := context.Background()
	created, err := c.Create(ctx, grace())
	require.NoError(t, err)
	renamed := grace()
	renamed.Fields[profile.Email] = "grace.murray@example.com"
	renamed.Fields[profile.Username] = "grace.murray@example.com"
	res, err := c.Update(ctx, renamed, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, created.ID, res.ID)
	_, ok := s.User("grace.murray@example.com")
	assert.True(t, ok)
}

// Filter values are quoted as RFC 7644 wants: a quote, backslash or control character
// cannot break the filter.
func TestFilterValuesAreEscaped(t *testing.T) { standin.InEachMode(t, filterValuesAreEscaped) }

func filterValuesAreEscaped(t *testing.T, strict bool) {
	for _, name := range []string{`o"brien\ops@example.com`, "tab\there@example.com"} {
		s, c := app(t, standin.Config{Strict: strict})
		odd := grace()
		odd.Fields[profile.Username] = name
		_, err := c.Create(context.Background(), odd)
		require.NoError(t, err, name)
		res, err := c.Get(context.Background(), odd)
		require.NoError(t, err, name)
		assert.False(t, res.Skipped, name)
		assert.Equal(t, name, res.Username)
		assert.Len(t, s.Users(), 1, name)
	}
}

// Paging walks every user whatever page size the app allows (Slack's default is 10).
func TestUsersPagesThroughEveryUser(t *testing.T) { standin.InEachMode(t, usersPagesThroughEveryUser) }

func usersPagesThroughEveryUser(t *testing.T, strict bool) {
	for _, vendor := range vendors {
		s, c := app(t, standin.Config{Vendor: vendor, Strict: strict})
		for i := range 25 {
			_, err := s.AddUser(map[string]any{"userName": fmt.Sprintf("u%02d@example.com", i), "externalId": fmt.Sprint(i),
				"emails": []any{map[string]any{"value": fmt.Sprintf("u%02d@example.com", i), "primary": true}}})
			require.NoError(t, err)
		}
		var names []string
		require.NoError(t, c.Users(context.Background(), func(_, userName string, _ bool) error {
			names = append(names, userName)
			return nil
		}))
		assert.Len(t, names, 25, vendor)
		assert.Equal(t, "u00@example.com", names[0], vendor)
		assert.Equal(t, "u24@example.com", names[24], vendor)
	}
}

func TestErrorsAreClassified(t *testing.T) {
	s, c := app(t, standin.Config{Vendor: scim.VendorSlack})
	ctx := context.Background()
	s.FailNext(1, http.StatusTooManyRequests)
	_, err := c.Get(ctx, grace())
	var limited *connectors.RateLimitedError
	require.ErrorAs(t, err, &limited)
	assert.Equal(t, time.Second, limited.RetryAfter, "Slack's Retry-After")

	s.FailNext(1, http.StatusBadGateway)
	_, err = c.Get(ctx, grace())
	assert.True(t, connectors.Retryable(err), err)

	_, wrong := app(t, standin.Config{}, func(cfg *scim.Config) { cfg.Token = "wrong-token" })
	res, err := wrong.Get(ctx, grace())
	require.Error(t, err)
	assert.True(t, errors.Is(err, connectors.ErrInvalid))
	assert.Equal(t, "401", res.ErrorCode)
	assert.NotContains(t, err.Error(), "wrong-token")
}

func pick(v any, keys ...string) map[string]any {
	m, _ := v.(map[string]any)
	out := map[string]any{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}
