package connectors

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

func stockMapping(t *testing.T, name string) Mapping {
	t.Helper()
	m, err := mappers.Stock(name)
	require.NoError(t, err)
	return Mapping{Mapper: m}
}

// A partial profile writes what its fields decide: a field given sets or ("") clears the
// attributes it alone decides; an attribute that also depends on a field left out (login
// from coalesce(username, email) with only the email given) is left alone.
func TestMappingGivenWritesOnlyWhatTheFieldsDecide(t *testing.T) {
	okta := stockMapping(t, "okta-outgoing")
	for _, tc := range []struct {
		name   string
		fields profile.Fields
		want   map[string]string
	}{
		{"a title", profile.Fields{profile.EmployeeID: "1001", profile.Title: "Lead"},
			map[string]string{"employeeNumber": "1001", "title": "Lead"}},
		{"a cleared department", profile.Fields{profile.Department: ""},
			map[string]string{"department": ""}},
		{"the email alone decides the email, not the login", profile.Fields{profile.Email: "ann@example.com"},
			map[string]string{"email": "ann@example.com"}},
		{"the username decides the login", profile.Fields{profile.Username: "ann.lee@example.com"},
			map[string]string{"login": "ann.lee@example.com"}},
		{"an empty username with the email", profile.Fields{profile.Username: "", profile.Email: "ann@example.com"},
			map[string]string{"login": "ann@example.com", "email": "ann@example.com"}},
		{"nothing", profile.Fields{}, map[string]string{}},
	} {
		got, err := okta.Given(profile.Profile{Fields: tc.fields})
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}

	// The reserved account name counts as given: with one, the email decides login and email.
	named, err := okta.Given(profile.Profile{Fields: profile.Fields{profile.Email: "ann@example.com"}, AccountName: "ann.lee"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"login": "ann.lee@example.com", "email": "ann.lee@example.com"}, named)

	scim := stockMapping(t, "scim-outgoing")
	got, err := scim.Given(profile.Profile{Fields: profile.Fields{profile.DisplayName: "Ann Lee", profile.GivenName: "Ann"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"displayName": "Ann Lee", "name.givenName": "Ann"}, got,
		"coalesce(displayname, …) is decided by the display name alone")
	got, err = scim.Given(profile.Profile{Fields: profile.Fields{profile.GivenName: "Ann"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"name.givenName": "Ann"}, got, "without the surname the display name is not decided")
}

// A field that reads a key it computes might depend on anything: a partial mapping never
// writes it.
func TestMappingGivenLeavesAComputedReadAlone(t *testing.T) {
	m, err := mappers.Parse("t", []byte(`
fields:
  title: title
  center: {expr: 'row[concat("cost", "center")]'}
`))
	require.NoError(t, err)
	got, err := Mapping{Mapper: m}.Given(profile.Profile{Fields: profile.Fields{profile.Title: "Lead"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"title": "Lead"}, got)
}

// Clearing a required field is still an error, naming the mapper and field; a required
// field the profile leaves out is not.
func TestMappingGivenRefusesToClearARequiredField(t *testing.T) {
	okta := stockMapping(t, "okta-outgoing")
	_, err := okta.Given(profile.Profile{Fields: profile.Fields{profile.GivenName: ""}})
	require.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, `mapper "okta-outgoing", field "firstName": required value is empty`)
}

// A full mapping gives every field, "" for those without a value, and enforces required
// fields: what HR's incidents write.
func TestMappingAllGivesEveryField(t *testing.T) {
	okta := stockMapping(t, "okta-outgoing")
	full := profile.Fields{profile.EmployeeID: "1001", profile.Email: "ann@example.com", profile.GivenName: "Ann", profile.Surname: "Lee"}
	got, err := okta.All(profile.Profile{Fields: full})
	require.NoError(t, err)
	assert.Len(t, got, len(okta.Mapper.Fields()))
	assert.Equal(t, "ann@example.com", got["login"])
	assert.Equal(t, "", got["title"])
	_, err = okta.All(profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001"}})
	assert.ErrorIs(t, err, ErrInvalid)
}

// A lookup maps only the keys asked for and needs nothing else of the profile.
func TestMappingLookupNeedsOnlyTheKeys(t *testing.T) {
	okta := stockMapping(t, "okta-outgoing")
	got, err := okta.Lookup(profile.Profile{Fields: profile.Fields{profile.Email: "Ann@Example.com"}}, "login", "email", "employeeNumber")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"login": "Ann@Example.com", "email": "Ann@Example.com"}, got)
	got, err = okta.Lookup(profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001"}}, "login", "email", "employeeNumber")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"employeeNumber": "1001"}, got)
}

// Desired never empties the field an account is named by, even when the mapper does not
// require it: from a full profile, or from a partial one that decides it; a partial profile
// that leaves it alone is no error.
func TestMappingDesiredRefusesAnEmptyName(t *testing.T) {
	mapper, err := mappers.Parse("t", []byte(`
fields:
  login: username
  title: title
`))
	require.NoError(t, err)
	m := Mapping{Mapper: mapper}
	p := profile.Profile{Fields: profile.Fields{profile.EmployeeID: "1001", profile.Title: "Lead"}}

	_, err = m.Desired(p, false, "login")
	require.ErrorIs(t, err, ErrInvalid)
	assert.EqualError(t, err, "mapper t: login is empty for employee 1001")

	d, err := m.Desired(p, true, "login")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"title": "Lead"}, d, "the login is left alone")

	p.Fields[profile.Username] = ""
	_, err = m.Desired(p, true, "login")
	require.ErrorIs(t, err, ErrInvalid, "a partial profile clearing the login")

	p.Fields[profile.Username] = "ann.lee"
	d, err = m.Desired(p, false, "login")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"login": "ann.lee", "title": "Lead"}, d)
}
