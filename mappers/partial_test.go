package mappers

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
)

func TestReadsNamesWhatAFieldDependsOn(t *testing.T) {
	m, err := Parse("t", []byte(`
fields:
  city: City
  login: {expr: 'lower(coalesce(username, row["Email Address"]))'}
  ou: {expr: 'concat("OU=", rdn.department, ",", basedn)'}
  constant: {expr: '"Acme"'}
  first: {expr: 'split(displayname, " ")[0]'}
  computed: {expr: 'row[concat("Cost_", "Center")]'}
`))
	require.NoError(t, err)
	reads := func(key string) []string {
		names, readsAny := m.Reads(key)
		assert.False(t, readsAny, key)
		return names
	}
	assert.Equal(t, []string{"City"}, reads("city"))
	assert.Equal(t, []string{"Email Address", "username"}, reads("login"), "functions and row are not inputs")
	assert.Equal(t, []string{"basedn", "department", "rdn"}, reads("ou"))
	assert.Empty(t, reads("constant"))
	assert.Equal(t, []string{"displayname"}, reads("first"), "a list index is no input")
	assert.Nil(t, reads("missing"))
	_, readsAny := m.Reads("computed")
	assert.True(t, readsAny, "a computed key may be any input")
}

func TestMapSomeMapsOnlyTheKeysAndLetsRequiredOnesBeEmpty(t *testing.T) {
	m, err := Parse("t", []byte(`
fields:
  login: {expr: 'coalesce(username, email)', required: true}
  first: {from: givenname, required: true}
  broken: {expr: 'date(hired)'}
`))
	require.NoError(t, err)
	out, err := m.MapSome(map[string]any{"hired": "not a date"}, Options{}, "login")
	require.NoError(t, err, "neither the required first nor the broken date is computed")
	assert.Empty(t, out)
	out, err = m.MapSome(map[string]any{"email": "a@b.c"}, Options{}, "login", "first")
	require.NoError(t, err)
	assert.Equal(t, profile.Fields{"login": "a@b.c"}, out)

	_, err = m.MapFields(map[string]any{"hired": "not a date"}, Options{})
	errs := FieldErrors(err)
	assert.ErrorIs(t, errs["login"], ErrRequired)
	assert.ErrorIs(t, errs["first"], ErrRequired)
	assert.Error(t, errs["broken"])
	assert.Len(t, errs, 3)
}
