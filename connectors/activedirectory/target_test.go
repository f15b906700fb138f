package activedirectory

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func stockTarget(t *testing.T, url string) *Target {
	t.Helper()
	m, err := mappers.Stock("ad-outgoing")
	require.NoError(t, err)
	tg, err := New(Config{Instance: "ad", URL: url, BaseDN: "DC=example,DC=test", Mapper: m, BindPassword: "bind-s3cret",
		Timeout: 2 * time.Second, Operations: Operations{Create: true, Update: true, Enable: true, Disable: true}})
	require.NoError(t, err)
	return tg
}

func TestStockMapperBuildsAnEscapedOU(t *testing.T) {
	tg := stockTarget(t, "ldaps://127.0.0.1:636")
	d, err := tg.mapProfile(profile.Profile{Fields: profile.Fields{
		profile.Email: "Sean.OBrien@Example.com", profile.Username: "sean.obrien@example.com",
		profile.GivenName: "Sean", profile.Surname: "O'Brien (Ops)", profile.DisplayName: "Doe, Jr.",
		profile.Department: "R&D, EMEA", profile.ManagerEmailAddress: "boss@example.com", profile.EmployeeID: "E1",
	}}, false)
	require.NoError(t, err)
	assert.Equal(t, "sean.obrien", d.sam)
	assert.Equal(t, `OU=R&D\, EMEA,OU=People,DC=example,DC=test`, d.ou)
	assert.Equal(t, "Doe, Jr.", d.cn)
	assert.Equal(t, "boss@example.com", d.managerEmail)
	assert.Equal(t, "Sean.OBrien@Example.com", d.attrs["mail"])
	assert.Equal(t, "E1", d.attrs["employeeID"])
	assert.Equal(t, "", d.attrs["title"], "a mapped field without a value clears the attribute")

	d, err = tg.mapProfile(profile.Profile{Fields: profile.Fields{profile.Email: "a@example.com", profile.DisplayName: "A", profile.Location: "Paris"}}, false)
	require.NoError(t, err)
	assert.Equal(t, "OU=Paris,OU=People,DC=example,DC=test", d.ou, "location when there is no department")

	_, err = tg.mapProfile(profile.Profile{Fields: profile.Fields{profile.Email: "a@example.com", profile.DisplayName: "A"}}, false)
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.Contains(t, err.Error(), `mapper "ad-outgoing"`)
	assert.Contains(t, err.Error(), `"ou"`)
}

func TestOldUserDataGivesOldKeys(t *testing.T) {
	tg := stockTarget(t, "ldaps://127.0.0.1:636")
	p := profile.Profile{
		Fields:      profile.Fields{profile.Email: "new@example.com", profile.Username: "new@example.com", profile.DisplayName: "N", profile.Department: "Ops", profile.EmployeeID: "E1"},
		OldUserData: profile.Fields{profile.Email: "old@example.com", profile.Username: "old@example.com"},
	}
	k, err := tg.lookupKeys(p)
	require.NoError(t, err)
	assert.Equal(t, []string{"new", "old"}, k.sam)
	assert.Equal(t, []string{"E1"}, k.employeeID)
	assert.Equal(t, []string{"new@example.com", "old@example.com"}, k.mail)
}

func TestUnreachableServerIsRetryable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now: connection refused
	tg := stockTarget(t, "ldaps://"+addr)
	p := profile.Profile{Fields: profile.Fields{profile.Email: "a@example.com", profile.DisplayName: "A", profile.Department: "Ops"}}
	res, err := tg.Get(context.Background(), p)
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrUnavailable)
	assert.True(t, connectors.Retryable(err))
	assert.False(t, res.Success)
	assert.NotContains(t, err.Error(), "bind-s3cret")
}

func TestPasswordsOnlyOverLDAPS(t *testing.T) {
	tg := stockTarget(t, "ldap://127.0.0.1:389")
	_, err := tg.SetPassword(context.Background(), profile.Profile{}, "Secret-123")
	require.ErrorIs(t, err, connectors.ErrInvalid)
	assert.Contains(t, err.Error(), "LDAPS only")
	assert.NotContains(t, err.Error(), "Secret-123")
}

func TestNewChecksTheConfig(t *testing.T) {
	m, err := mappers.Stock("ad-outgoing")
	require.NoError(t, err)
	_, err = New(Config{URL: "http://dc", BaseDN: "DC=x", Mapper: m})
	assert.ErrorContains(t, err, "want ldaps://")
	_, err = New(Config{URL: "ldaps://dc", BaseDN: "example", Mapper: m})
	assert.ErrorContains(t, err, "not a DN")
	_, err = New(Config{URL: "ldaps://dc", BaseDN: "DC=x"})
	assert.ErrorContains(t, err, "mapper")
}

func TestEndedContextIsRetryable(t *testing.T) {
	tg := stockTarget(t, "ldaps://127.0.0.1:636")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := profile.Profile{Fields: profile.Fields{profile.Email: "a@example.com", profile.DisplayName: "A", profile.Department: "Ops", profile.EmployeeID: "E1"}}
	_, err := tg.Disable(ctx, p)
	require.ErrorIs(t, err, connectors.ErrUnavailable)
	assert.Contains(t, err.Error(), "context canceled")
	assert.True(t, connectors.Retryable(err))
}
