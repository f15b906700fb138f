package servicenow_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/servicenow"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/servicenow"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

const (
	username = "ilm.integration"
	password = "pw-never-logged-9f3k"
	token    = "oauth-token-never-logged-77xq"
)

// instance starts the stand-in and a connector to it with every operation on.
func instance(t *testing.T, cfg ...func(*servicenow.Config)) (*standin.Server, *servicenow.Client) {
	t.Helper()
	s := standin.New(standin.Config{Username: username, Password: password, Token: token})
	srv := standin.Start(t, s)
	c := servicenow.Config{
		Instance: "servicenow", URL: srv.URL, Username: username, Password: password,
		HTTPClient: srv.Client(),
		Operations: servicenow.Operations{Create: true, Update: true, Enable: true, Disable: true},
		Timeout:    5 * time.Second,
	}
	for _, f := range cfg {
		f(&c)
	}
	client, err := servicenow.New(c)
	require.NoError(t, err)
	return s, client
}

func ada() profile.Profile {
	return profile.Profile{Fields: profile.Fields{
		profile.EmployeeID: "1001", profile.Email: "ada.lovelace@example.com", profile.Username: "ada.lovelace@example.com",
		profile.GivenName: "Ada", profile.Surname: "Lovelace", profile.Department: "Engineering",
		profile.Title: "Analyst", profile.CostCenter: "R&D", profile.City: "London",
	}}
}

// writes returns the bodies of the PATCH and POST requests the stand-in received.
func writes(t *testing.T, s *standin.Server, method string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range s.Requests() {
		if r.Method != method {
			continue
		}
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		assert.Equal(t, "true", q.Get("sysparm_input_display_value"), "writes take display values")
		var body map[string]any
		require.NoError(t, json.Unmarshal(r.Body, &body))
		out = append(out, body)
	}
	return out
}

func TestCreateGetUpdate(t *testing.T) {
	s, c := instance(t)
	ctx := context.Background()

	res, err := c.Create(ctx, ada())
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.False(t, res.Skipped)
	assert.True(t, res.Active)
	assert.Len(t, res.ID, 32)
	assert.Equal(t, "ada.lovelace@example.com", res.Username)
	assert.Equal(t, "ada.lovelace@example.com", res.Email)
	assert.Equal(t, connectors.OpCreate, res.Action)

	u, ok := s.User("sys_id", res.ID)
	require.True(t, ok)
	for k, v := range map[string]string{
		"first_name": "Ada", "last_name": "Lovelace", "department": "Engineering", "title": "Analyst",
		"cost_center": "R&D", "city": "London", "employee_number": "1001", "active": "true", "name": "Ada Lovelace",
	} {
		assert.Equal(t, v, u[k], k)
	}
	posts := writes(t, s, http.MethodPost)
	require.Len(t, posts, 1)
	assert.NotContains(t, posts[0], "mobile_phone", "empty fields are not sent on create")

	got, err := c.Get(ctx, ada())
	require.NoError(t, err)
	assert.Equal(t, res.ID, got.ID)
	assert.True(t, got.Active)
	assert.Equal(t, "Analyst", got.Details["record"].(map[string]any)["title"])

	// An update with nothing changed sends nothing.
	res, err = c.Update(ctx, ada(), connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.Empty(t, writes(t, s, http.MethodPatch))

	// Only the changed fields are sent; a cleared one is sent empty.
	p := ada()
	p.Fields[profile.Title] = "Senior Analyst"
	delete(p.Fields, profile.City)
	res, err = c.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"city", "title"}, res.Details["changed_attributes"])
	assert.Equal(t, []map[string]any{{"title": "Senior Analyst", "city": ""}}, writes(t, s, http.MethodPatch))
	u, _ = s.User("sys_id", res.ID)
	assert.Equal(t, "Senior Analyst", u["title"])
	assert.Equal(t, "", u["city"])
}

func TestCreateOfAnExistingUserUpdatesIt(t *testing.T) {
	s, c := instance(t)
	ctx := context.Background()
	first, err := c.Create(ctx, ada())
	require.NoError(t, err)

	p := ada()
	p.Fields[profile.Department] = "Research"
	res, err := c.Create(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, connectors.OpCreate, res.Action)
	assert.Equal(t, first.ID, res.ID)
	assert.Len(t, s.Users(), 1)
	assert.Equal(t, []map[string]any{{"department": "Research"}}, writes(t, s, http.MethodPatch))
}

// A user_name taken by someone the find does not see (another email) is ServiceNow's
// refusal, reported with its detail, final.
func TestCreateWithATakenUserNameFails(t *testing.T) {
	s, c := instance(t)
	_, err := s.AddUser(map[string]string{"user_name": "ada.lovelace@example.com", "email": "someone.else@example.com", "first_name": "Someone"})
	require.NoError(t, err)

	res, err := c.Create(context.Background(), ada())
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.False(t, connectors.Retryable(err))
	assert.Contains(t, err.Error(), "Operation Failed: Error during insert of sys_user (Ada Lovelace)")
	assert.False(t, res.Success)
	assert.Equal(t, "invalid request", res.ErrorCode)
}

func TestUpdateOfAMissingUser(t *testing.T) {
	for _, tc := range []struct {
		name       string
		configured bool
		opts       connectors.UpdateOptions
		createOff  bool
		wantCreate bool
	}{
		{name: "skipped"},
		{name: "created by option", opts: connectors.UpdateOptions{CreateIfNotExists: true}, wantCreate: true},
		{name: "created by config", configured: true, wantCreate: true},
		{name: "create turned off", configured: true, createOff: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := instance(t, func(cfg *servicenow.Config) {
				cfg.CreateIfNotExists = tc.configured
				cfg.Operations.Create = !tc.createOff
			})
			res, err := c.Update(context.Background(), ada(), tc.opts)
			require.NoError(t, err)
			assert.Equal(t, connectors.OpUpdate, res.Action)
			if tc.wantCreate {
				assert.False(t, res.Skipped)
				assert.True(t, res.Active)
				assert.Len(t, s.Users(), 1)
				return
			}
			assert.True(t, res.Skipped)
			assert.Equal(t, "User does not exist", res.Reason)
			assert.Empty(t, s.Users())
		})
	}
}

func TestAllowEnable(t *testing.T) {
	for _, allow := range []bool{false, true} {
		s, c := instance(t)
		ctx := context.Background()
		_, err := c.Create(ctx, ada())
		require.NoError(t, err)
		_, err = c.Disable(ctx, ada())
		require.NoError(t, err)
		before := len(s.Requests())

		p := ada()
		p.Fields[profile.Title] = "Lead"
		res, err := c.Update(ctx, p, connectors.UpdateOptions{AllowEnable: allow})
		require.NoError(t, err)
		assert.Equal(t, allow, res.Active)
		assert.Equal(t, allow, res.Details["enabled"])

		var patches []string
		for _, r := range s.Requests()[before:] {
			if r.Method == http.MethodPatch {
				patches = append(patches, string(r.Body))
			}
		}
		want := []string{`{"title":"Lead"}`}
		if allow {
			want = []string{`{"active":"true","locked_out":"false"}`, `{"title":"Lead"}`}
		}
		assert.Equal(t, want, patches, "allow enable %v", allow)
		u, _ := s.User("email", "ada.lovelace@example.com")
		assert.Equal(t, boolText(allow), u["active"])
		assert.Equal(t, boolText(!allow), u["locked_out"])
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestDisable(t *testing.T) {
	s, c := instance(t)
	ctx := context.Background()

	res, err := c.Disable(ctx, ada())
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, "User does not exist", res.Reason)

	created, err := c.Create(ctx, ada())
	require.NoError(t, err)
	res, err = c.Disable(ctx, ada())
	require.NoError(t, err)
	assert.False(t, res.Skipped)
	assert.False(t, res.Active)
	assert.Equal(t, created.ID, res.ID)
	u, _ := s.User("sys_id", created.ID)
	assert.Equal(t, "false", u["active"])
	assert.Equal(t, "true", u["locked_out"])

	res, err = c.Disable(ctx, ada())
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, "User is already disabled", res.Reason)
	assert.Equal(t, created.ID, res.ID)
	assert.Len(t, writes(t, s, http.MethodPatch), 1)
}

func TestOperationsTurnedOff(t *testing.T) {
	_, c := instance(t, func(cfg *servicenow.Config) { cfg.Operations = servicenow.Operations{} })
	ctx := context.Background()
	for _, op := range []connectors.Operation{connectors.OpCreate, connectors.OpUpdate, connectors.OpDisable} {
		res, err := connectors.Run(ctx, c, op, ada(), connectors.UpdateOptions{})
		require.NoError(t, err)
		assert.True(t, res.Skipped, op)
		assert.Contains(t, res.Reason, "turned off", op)
	}
}

func TestRenameFindsTheUserByTheOldEmail(t *testing.T) {
	s, c := instance(t)
	ctx := context.Background()
	created, err := c.Create(ctx, ada())
	require.NoError(t, err)

	p := ada()
	p.Fields[profile.Email] = "ada.king@example.com"
	p.Fields[profile.Username] = "ada.king@example.com"
	p.OldUserData = profile.Fields{profile.Email: "ada.lovelace@example.com", profile.Username: "ada.lovelace@example.com"}
	res, err := c.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, created.ID, res.ID)
	assert.Equal(t, "ada.king@example.com", res.Email)
	assert.Equal(t, "ada.king@example.com", res.Username)
	assert.Len(t, s.Users(), 1)
	assert.Equal(t, []map[string]any{{"email": "ada.king@example.com", "user_name": "ada.king@example.com"}}, writes(t, s, http.MethodPatch))
}

func TestMatchByUserName(t *testing.T) {
	s, c := instance(t, func(cfg *servicenow.Config) { cfg.MatchField = servicenow.MatchUserName })
	ctx := context.Background()
	// The account has another email than HR's: only user_name finds it.
	seeded, err := s.AddUser(map[string]string{"user_name": "ada.lovelace@example.com", "email": "ada@legacy.example.com", "employee_number": "1001"})
	require.NoError(t, err)

	res, err := c.Update(ctx, ada(), connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, seeded["sys_id"], res.ID)
	assert.Equal(t, "ada.lovelace@example.com", res.Email)
	for _, r := range s.Requests() {
		if r.Method == http.MethodGet {
			q, _ := url.ParseQuery(r.RawQuery)
			assert.Equal(t, "user_name=ada.lovelace@example.com", q.Get("sysparm_query"))
			assert.Equal(t, "2", q.Get("sysparm_limit"))
			assert.Equal(t, "true", q.Get("sysparm_exclude_reference_link"))
		}
	}
}

func TestAmbiguousMatchIsFinal(t *testing.T) {
	s, c := instance(t)
	for _, name := range []string{"ada1", "ada2"} {
		_, err := s.AddUser(map[string]string{"user_name": name, "email": "ada.lovelace@example.com"})
		require.NoError(t, err)
	}
	_, err := c.Get(context.Background(), ada())
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.Contains(t, err.Error(), "ambiguous")
}

func TestAuth(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   func(*servicenow.Config)
		ok    bool
		never string
	}{
		{name: "basic", cfg: func(*servicenow.Config) {}, ok: true},
		{name: "bearer", cfg: func(c *servicenow.Config) { c.Username, c.Password, c.Token = "", "", token }, ok: true},
		{name: "wrong password", cfg: func(c *servicenow.Config) { c.Password = "wrong-password-xyz" }, never: "wrong-password-xyz"},
		{name: "wrong token", cfg: func(c *servicenow.Config) { c.Username, c.Password, c.Token = "", "", "wrong-token-xyz" }, never: "wrong-token-xyz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, c := instance(t, tc.cfg)
			res, err := c.Create(context.Background(), ada())
			if tc.ok {
				require.NoError(t, err)
				assert.True(t, res.Success)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, connectors.ErrInvalid)
			assert.False(t, connectors.Retryable(err))
			assert.Contains(t, err.Error(), "authentication failed")
			assert.Contains(t, err.Error(), "User Not Authenticated")
			for _, secret := range []string{tc.never, password, token} {
				assert.NotContains(t, err.Error(), secret)
				assert.NotContains(t, res.ErrorMessage, secret)
			}
		})
	}
}

func TestFailures(t *testing.T) {
	for _, tc := range []struct {
		status    int
		class     error
		retryable bool
		message   string
	}{
		{status: 400, class: connectors.ErrInvalid, message: "Invalid request: Injected failure (HTTP 400)"},
		{status: 403, class: connectors.ErrInvalid, message: "not authorized (HTTP 403): User Not Authorized"},
		{status: 404, class: connectors.ErrNotFound, message: "No Record found"},
		{status: 429, class: connectors.ErrUnavailable, retryable: true, message: "Too many requests"},
		{status: 500, class: connectors.ErrUnavailable, retryable: true, message: "HTTP 500"},
		{status: 503, class: connectors.ErrUnavailable, retryable: true, message: "HTTP 503"},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			s, c := instance(t)
			s.FailNext(1, tc.status)
			res, err := c.Get(context.Background(), ada())
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.class)
			assert.Equal(t, tc.retryable, connectors.Retryable(err))
			assert.Contains(t, err.Error(), tc.message)
			assert.False(t, res.Success)
			assert.Equal(t, tc.class.Error(), res.ErrorCode)

			var rl *connectors.RateLimitedError
			if assert.Equal(t, tc.status == 429, errors.As(err, &rl)) && rl != nil {
				assert.Equal(t, time.Second, rl.RetryAfter)
			}
		})
	}
}

func TestUnreachableIsRetryable(t *testing.T) {
	srv := standin.Start(nil, nil)
	srv.Close()
	c, err := servicenow.New(servicenow.Config{URL: srv.URL, Token: token, Timeout: time.Second})
	require.NoError(t, err)
	_, err = c.Get(context.Background(), ada())
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrUnavailable)
	assert.True(t, connectors.Retryable(err))
}

// ^ separates conditions in an encoded query: an email holding one must neither miss its
// own account nor match others.
func TestCaretInEmail(t *testing.T) {
	for _, email := range []string{"o^brien@example.com", "ada@example.com^NQactive=true"} {
		t.Run(email, func(t *testing.T) {
			s, c := instance(t)
			ctx := context.Background()
			for _, name := range []string{"a", "b"} {
				_, err := s.AddUser(map[string]string{"user_name": name, "email": name + "@example.com"})
				require.NoError(t, err)
			}
			p := ada()
			p.Fields[profile.Email] = email
			p.Fields[profile.Username] = email

			res, err := c.Get(ctx, p)
			require.NoError(t, err)
			assert.True(t, res.Skipped, "the query must match nobody yet")

			created, err := c.Create(ctx, p)
			require.NoError(t, err)
			again, err := c.Create(ctx, p)
			require.NoError(t, err)
			assert.Equal(t, created.ID, again.ID)
			assert.Len(t, s.Users(), 3)
			u, ok := s.User("sys_id", created.ID)
			require.True(t, ok)
			assert.Equal(t, email, u["email"])
		})
	}
}

func TestCustomFieldFromACustomMapperLine(t *testing.T) {
	m, err := mappers.Parse("servicenow-custom", []byte(`
fields:
  user_name: {expr: 'coalesce(username, email)', required: true}
  email: {from: email, required: true}
  employee_number: employeeid
  u_badge_number: badgenumber
`))
	require.NoError(t, err)
	s, c := instance(t, func(cfg *servicenow.Config) { cfg.Mapper = m })
	p := ada()
	p.Fields["badgenumber"] = "B-1001"
	res, err := c.Create(context.Background(), p)
	require.NoError(t, err)
	u, _ := s.User("sys_id", res.ID)
	assert.Equal(t, "B-1001", u["u_badge_number"])

	p.Fields["badgenumber"] = "B-2002"
	_, err = c.Update(context.Background(), p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{{"u_badge_number": "B-2002"}}, writes(t, s, http.MethodPatch))
}

func TestMapperErrorNamesMapperAndField(t *testing.T) {
	s, c := instance(t)
	p := ada()
	delete(p.Fields, profile.Email)
	res, err := c.Create(context.Background(), p)
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.Contains(t, err.Error(), `mapper "servicenow-outgoing"`)
	assert.Contains(t, err.Error(), `field "email"`)
	assert.False(t, res.Success)
	assert.Empty(t, s.Requests())
}

func TestNewChecksTheConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  servicenow.Config
		want string
	}{
		{"no url", servicenow.Config{Token: "t"}, "url"},
		{"http off loopback", servicenow.Config{URL: "http://acme.service-now.com", Token: "t"}, "http://"},
		{"credentials in url", servicenow.Config{URL: "https://u:p@acme.service-now.com", Token: "t"}, "credentials"},
		{"path in url", servicenow.Config{URL: "https://acme.service-now.com/api/now", Token: "t"}, "instance root"},
		{"no credentials", servicenow.Config{URL: "https://acme.service-now.com"}, "no credentials"},
		{"both", servicenow.Config{URL: "https://acme.service-now.com", Username: "u", Password: "p", Token: "t"}, "not both"},
		{"half basic", servicenow.Config{URL: "https://acme.service-now.com", Username: "u"}, "both a username and a password"},
		{"match field", servicenow.Config{URL: "https://acme.service-now.com", Token: "t", MatchField: "sys_id"}, "match field"},
		{"ca file", servicenow.Config{URL: "https://acme.service-now.com", Token: "t", CAFile: "/nonexistent.pem"}, "ca_file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := servicenow.New(tc.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.False(t, strings.Contains(err.Error(), "p@"), "no secret in %v", err)
		})
	}

	m, err := mappers.Parse("no-user-name", []byte("fields:\n  email: email\n  employee_number: employeeid\n"))
	require.NoError(t, err)
	_, err = servicenow.New(servicenow.Config{URL: "https://acme.service-now.com", Token: "t", MatchField: "user_name", Mapper: m})
	assert.ErrorContains(t, err, "mapper no-user-name has no user_name field")

	unbound, err := mappers.Parse("unbound", []byte("fields:\n  email: email\n"))
	require.NoError(t, err)
	_, err = servicenow.New(servicenow.Config{URL: "https://acme.service-now.com", Token: "t", Mapper: unbound})
	assert.ErrorContains(t, err, "mapper unbound has no employee_number field", "accounts would be created unlinked")

	c, err := servicenow.New(servicenow.Config{Instance: "sn", URL: "https://acme.service-now.com/", Token: "t"})
	require.NoError(t, err)
	assert.Equal(t, "sn", c.Instance())
}
