package okta_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

const token = "00-test-token-never-logged"

// org starts the stand-in (every request and response checked against Okta's spec when
// the spec is at hand) and a connector to it through the real SDK.
func org(t *testing.T, cfg ...func(*okta.Config)) (*standin.Server, *okta.Client) {
	t.Helper()
	// A developer's OKTA_* settings must not reach the client.
	t.Setenv("OKTA_CLIENT_TOKEN", "leaked-from-env")
	t.Setenv("OKTA_CLIENT_ORGURL", "https://leaked.okta.com")
	s := standin.New(standin.Config{Token: token})
	srv := serve(t, s)
	m, err := mappers.Stock("okta-outgoing")
	require.NoError(t, err)
	c := okta.Config{
		Instance: "okta", OrgURL: srv.URL, Token: token, HTTPClient: srv.Client(), Mapper: m,
		Operations: okta.Operations{Create: true, Update: true, Enable: true, Disable: true},
		Timeout:    5 * time.Second, RateLimitMaxRetries: 1, RateLimitMaxWait: 2 * time.Second,
	}
	for _, f := range cfg {
		f(&c)
	}
	client, err := okta.New(context.Background(), c)
	require.NoError(t, err)
	return s, client
}

func ada() profile.Profile {
	return profile.Profile{Fields: profile.Fields{
		profile.EmployeeID: "1001", profile.Email: "ada.lovelace@example.com", profile.Username: "ada.lovelace@example.com",
		profile.GivenName: "Ada", profile.Surname: "Lovelace", profile.DisplayName: "Ada Lovelace",
		profile.Department: "Engineering", profile.Title: "Analyst", profile.CostCenter: "R&D",
	}}
}

func TestCreateActivatesAndMapsTheStockFields(t *testing.T) {
	s, c := org(t)
	ctx := context.Background()

	res, err := c.Create(ctx, ada())
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.True(t, res.Active)
	assert.Equal(t, "ada.lovelace@example.com", res.Username)
	u, ok := s.User("ada.lovelace@example.com")
	require.True(t, ok)
	assert.Equal(t, okta.StatusActive, u.Status)
	assert.Equal(t, res.ID, u.ID)
	for k, v := range map[string]string{"login": "ada.lovelace@example.com", "email": "ada.lovelace@example.com",
		"firstName": "Ada", "lastName": "Lovelace", "displayName": "Ada Lovelace", "employeeNumber": "1001",
		"department": "Engineering", "title": "Analyst", "costCenter": "R&D"} {
		assert.Equal(t, v, u.Profile[k], k)
	}

	again, err := c.Create(ctx, ada())
	require.NoError(t, err, "create of an existing user updates it")
	assert.Equal(t, res.ID, again.ID)
	assert.Equal(t, connectors.OpCreate, again.Action)
}

func TestUpdateSendsOnlyWhatChanged(t *testing.T) {
	s, c := org(t)
	ctx := context.Background()
	_, err := c.Create(ctx, ada())
	require.NoError(t, err)
	updates := func() int { return countEvents(s, "user.account.update_profile") }
	before := updates()

	same, err := c.Update(ctx, ada(), connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.True(t, same.Success)
	assert.Equal(t, before, updates(), "nothing changed, so nothing was sent")

	moved := ada()
	moved.Fields[profile.Title] = "Lead Analyst"
	delete(moved.Fields, profile.CostCenter)
	res, err := c.Update(ctx, moved, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"costCenter", "title"}, res.Details["changed_attributes"])
	u, _ := s.User("ada.lovelace@example.com")
	assert.Equal(t, "Lead Analyst", u.Profile["title"])
	assert.Empty(t, u.Profile["costCenter"], "a field HR cleared is cleared in Okta")
	assert.Equal(t, before+1, updates())
}

func TestUpdateOfAMissingUserSkipsOrCreates(t *testing.T) {
	s, c := org(t)
	ctx := context.Background()
	res, err := c.Update(ctx, ada(), connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, "User does not exist", res.Reason)
	_, ok := s.User("ada.lovelace@example.com")
	assert.False(t, ok)

	res, err = c.Update(ctx, ada(), connectors.UpdateOptions{CreateIfNotExists: true})
	require.NoError(t, err)
	assert.False(t, res.Skipped)
	_, ok = s.User("ada.lovelace@example.com")
	assert.True(t, ok)
}

func TestDisableThenReenableWithAllowEnable(t *testing.T) {
	s, c := org(t)
	ctx := context.Background()
	_, err := c.Create(ctx, ada())
	require.NoError(t, err)

	res, err := c.Disable(ctx, ada())
	require.NoError(t, err)
	assert.False(t, res.Active)
	u, _ := s.User("ada.lovelace@example.com")
	assert.Equal(t, okta.StatusDeprovisioned, u.Status)

	res, err = c.Disable(ctx, ada())
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, "User is already disabled", res.Reason)

	res, err = c.Update(ctx, ada(), connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.False(t, res.Active, "an update without allow-enable leaves the user deactivated")

	res, err = c.Update(ctx, ada(), connectors.UpdateOptions{AllowEnable: true})
	require.NoError(t, err)
	assert.True(t, res.Active)
	u, _ = s.User("ada.lovelace@example.com")
	assert.Equal(t, okta.StatusActive, u.Status)
}

func TestDisableOfAMissingUserIsSkipped(t *testing.T) {
	_, c := org(t)
	res, err := c.Disable(context.Background(), ada())
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, "User does not exist", res.Reason)
}

func TestRenamedPersonIsFoundByTheOldLogin(t *testing.T) {
	s, c := org(t)
	ctx := context.Background()
	created, err := c.Create(ctx, ada())
	require.NoError(t, err)

	renamed := ada()
	renamed.Fields[profile.Email] = "ada.king@example.com"
	renamed.Fields[profile.Username] = "ada.king@example.com"
	renamed.OldUserData = profile.Fields{profile.Email: "ada.lovelace@example.com", profile.Username: "ada.lovelace@example.com"}
	res, err := c.Update(ctx, renamed, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, created.ID, res.ID)
	u, ok := s.User(created.ID)
	require.True(t, ok)
	assert.Equal(t, "ada.king@example.com", u.Profile["login"])
}

func TestOperationsTurnedOffAreSkipped(t *testing.T) {
	_, c := org(t, func(cfg *okta.Config) { cfg.Operations = okta.Operations{} })
	ctx := context.Background()
	for _, op := range []connectors.Operation{connectors.OpCreate, connectors.OpUpdate, connectors.OpDisable} {
		res, err := connectors.Run(ctx, c, op, ada(), connectors.UpdateOptions{})
		require.NoError(t, err)
		assert.True(t, res.Skipped, op)
		assert.Contains(t, res.Reason, "turned off", op)
	}
}

// A 429 is waited out by the SDK until the bucket resets; when 429s outlast its retries
// the error says how long to wait, and is retryable.
func TestRateLimitIsRetriedAfterTheReset(t *testing.T) {
	s, c := org(t)
	ctx := context.Background()
	s.FailNext(1)
	res, err := c.Create(ctx, ada())
	require.NoError(t, err)
	assert.True(t, res.Success)

	s.FailNext(10)
	_, err = c.Get(ctx, ada())
	var limited *connectors.RateLimitedError
	require.ErrorAs(t, err, &limited)
	assert.True(t, connectors.Retryable(err))
	assert.Greater(t, limited.RetryAfter, time.Duration(0))
	assert.LessOrEqual(t, limited.RetryAfter, 3*time.Second)
	assert.Contains(t, err.Error(), "E0000047")
}

func TestWrongTokenIsFinalAndNeverEchoed(t *testing.T) {
	_, c := org(t, func(cfg *okta.Config) { cfg.Token = "wrong-token-value" })
	res, err := c.Get(context.Background(), ada())
	require.Error(t, err)
	assert.True(t, errors.Is(err, connectors.ErrInvalid), err)
	assert.False(t, connectors.Retryable(err))
	assert.Equal(t, "E0000011", res.ErrorCode)
	assert.NotContains(t, err.Error(), "wrong-token-value")
	assert.NotContains(t, err.Error(), token)
}

// Okta's validation errors are final and carry its summary and causes.
func TestOktaValidationErrorNamesTheField(t *testing.T) {
	m, err := mappers.Parse("no-email", []byte("name: no-email\nfields:\n  login: username\n  employeeNumber: employeeid\n  firstName: givenname\n  lastName: surname\n"))
	require.NoError(t, err)
	_, c := org(t, func(cfg *okta.Config) { cfg.Mapper = m })
	res, err := c.Create(context.Background(), ada())
	require.Error(t, err)
	assert.True(t, errors.Is(err, connectors.ErrInvalid), err)
	assert.Equal(t, "E0000001", res.ErrorCode)
	assert.Contains(t, err.Error(), "email")
}

func TestMapperErrorsNameTheMapperAndField(t *testing.T) {
	_, c := org(t)
	p := ada()
	delete(p.Fields, profile.Surname)
	_, err := c.Create(context.Background(), p)
	require.Error(t, err)
	assert.True(t, errors.Is(err, connectors.ErrInvalid))
	assert.Contains(t, err.Error(), "okta-outgoing")
	assert.Contains(t, err.Error(), "lastName")
}

func countEvents(s *standin.Server, eventType string) int {
	n := 0
	for _, e := range s.Events() {
		if eventTypeOf(e) == eventType {
			n++
		}
	}
	return n
}

// A user found by login whose employeeNumber is empty or another person's is not the
// person's: no write touches it unless the instance adopts unlinked users.
func TestWritesRefuseUsersNotBoundToThePerson(t *testing.T) {
	for _, tc := range []struct {
		name, employeeNumber string
		adopt, refused       bool
	}{
		{"unlinked", "", false, true},
		{"another person's", "2002", true, true},
		{"unlinked, adopted", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := org(t, func(cfg *okta.Config) { cfg.Binding.AdoptUnlinked = tc.adopt })
			seeded, err := s.CreateUser(map[string]any{"login": "ada.lovelace@example.com", "email": "ada.lovelace@example.com",
				"firstName": "Someone", "lastName": "Else", "employeeNumber": tc.employeeNumber}, true)
			require.NoError(t, err)
			_, err = c.Create(context.Background(), ada())
			_, derr := c.Disable(context.Background(), ada())
			u, _ := s.User("ada.lovelace@example.com")
			if !tc.refused {
				require.NoError(t, err)
				require.NoError(t, derr)
				assert.Equal(t, "1001", u.Profile["employeeNumber"], "adopting stores the employee id")
				return
			}
			for _, err := range []error{err, derr} {
				require.ErrorIs(t, err, connectors.ErrNotOwned)
				assert.ErrorContains(t, err, "Okta user ada.lovelace@example.com ("+seeded.ID+")")
			}
			assert.Equal(t, "Someone", u.Profile["firstName"], "the user was not updated")
			assert.Equal(t, okta.StatusActive, u.Status, "the user was not deactivated")
		})
	}
}
