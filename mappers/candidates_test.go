package mappers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTransliterate is the name corpus: each name spelled as account names spell it.
func TestTransliterate(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"Åsa Ström", "asa strom", true},
		{"Zoë Ångström-Ødegård", "zoe angstrom-odegard", true},
		{"José Núñez", "jose nunez", true},
		{"Łukasz Żółć", "lukasz zolc", true},
		{"Björn Müller", "bjorn muller", true},
		{"Straße", "strasse", true},
		{"Ærøskøbing", "aeroskobing", true},
		{"François Lefèvre", "francois lefevre", true},
		{"Đorđe Þórsson", "dorde thorsson", true},
		{"Søren Kierkegaard", "soren kierkegaard", true},
		{"Œdipe", "oedipe", true},
		{"Çağla Işık", "cagla isik", true},
		// Cyrillic, by the fixed table.
		{"Пётр Чайковский", "petr chaykovskiy", true},
		{"Юлия Щербакова", "yuliya shcherbakova", true},
		{"Олександр Їжак", "oleksandr yizhak", true},
		{"Наталья Хрущёва", "natalya khrushcheva", true},
		// Greek, by the fixed table.
		{"Γιώργος Παπαδόπουλος", "giorgos papadopoulos", true},
		{"Θεοδώρα Ψαρρού", "theodora psarrou", true},
		{"Χρήστος", "christos", true},
		{"Ευάγγελος Μαυρίδης", "evaggelos mavridis", true},
		// No table: not spelled.
		{"王小明", "", false},
		{"山田 太郎", " ", false},
		{"김민준", "", false},
		{"Ana 李", "ana ", false},
		// ASCII stays, lower-cased.
		{"O'Brien-Smith 3rd", "o'brien-smith 3rd", true},
	} {
		got, ok := Transliterate(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		if tc.ok {
			assert.Equal(t, tc.want, got, tc.in)
		}
	}
}

// uniqueNames runs the stock unique-names mapper over a person.
func uniqueNames(t *testing.T, person map[string]any) []string {
	t.Helper()
	m, err := Stock("unique-names")
	require.NoError(t, err)
	out, err := m.Map(person, Options{})
	require.NoError(t, err)
	names, err := AccountNames(out["username_candidates"], 20)
	require.NoError(t, err)
	return names
}

func TestStockUniqueNames(t *testing.T) {
	for _, tc := range []struct {
		name   string
		person map[string]any
		want   []string
	}{
		{"plain", map[string]any{"givenname": "Jane", "surname": "Roe"}, []string{"jane.roe", "jane.roe2", "jane.roe3"}},
		{"middle name", map[string]any{"givenname": "Jane", "middlename": "Mary", "surname": "Roe"}, []string{"jane.roe", "jane.m.roe", "jane.roe2"}},
		{"accents", map[string]any{"givenname": "Åsa", "surname": "Ström"}, []string{"asa.strom", "asa.strom2"}},
		{"hyphen and accents", map[string]any{"givenname": "Zoë", "surname": "Ångström-Ødegård"}, []string{"zoe.angstrom-odegard", "zoe.angstrom-odegar2"}},
		{"spanish", map[string]any{"givenname": "José", "surname": "Núñez"}, []string{"jose.nunez"}},
		{"polish", map[string]any{"givenname": "Łukasz", "surname": "Żółć"}, []string{"lukasz.zolc"}},
		{"german", map[string]any{"givenname": "Björn", "surname": "Müller"}, []string{"bjorn.muller"}},
		{"apostrophe and particles", map[string]any{"givenname": "Seán", "surname": "O'Brien van der Berg"}, []string{"sean.obrienvanderber"}},
		{"cyrillic", map[string]any{"givenname": "Пётр", "surname": "Иванов"}, []string{"petr.ivanov"}},
		{"greek", map[string]any{"givenname": "Γιώργος", "surname": "Νικολάου"}, []string{"giorgos.nikolaou"}},
		{"chinese falls back to the employee id", map[string]any{"givenname": "小明", "surname": "王", "employeeid": "A1001"}, []string{"ea1001", "ea10012"}},
		{"no name falls back to the employee id", map[string]any{"employeeid": "1002"}, []string{"e1002"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := uniqueNames(t, tc.person)
			assert.Equal(t, tc.want, got[:len(tc.want)])
			for _, n := range got {
				assert.LessOrEqual(t, len(n), 20, n)
			}
		})
	}
}

// TestAccountNamesLength: names are cut to the limit, and cut before the counter so that
// name and counter fit, never ending in a dot or hyphen.
func TestAccountNamesLength(t *testing.T) {
	names, err := AccountNames([]any{"alexandra.konstantinopoulou"}, 20)
	require.NoError(t, err)
	assert.Equal(t, "alexandra.konstantin", names[0])
	assert.Equal(t, "alexandra.konstanti2", names[1])
	assert.Equal(t, "alexandra.konstant10", names[9])
	assert.Equal(t, "alexandra.konstant99", names[len(names)-1])
	assert.Len(t, names, MaxCounter, "the name, then counters 2 to 99")
	for _, n := range names {
		assert.LessOrEqual(t, len(n), 20, n)
	}

	// A cut that ends at a dot drops it: "abcdefghijklmnopqrs." is not a name.
	names, err = AccountNames([]string{"abcdefghijklmnopqrs.tuv"}, 20)
	require.NoError(t, err)
	assert.Equal(t, "abcdefghijklmnopqrs", names[0])
	assert.Equal(t, "abcdefghijklmnopqrs2", names[1])

	// Candidates are normalised and deduplicated; unusable ones are left out.
	names, err = AccountNames([]any{" Jane.Roe ", "jane.roe", "王", nil, "-.x!.y.-"}, 20)
	require.NoError(t, err)
	assert.Equal(t, []string{"jane.roe", "x.y", "jane.roe2"}, names[:3])

	_, err = AccountNames([]any{"王", ""}, 20)
	assert.ErrorContains(t, err, "no usable candidate")
	_, err = AccountNames("jane.roe", 20)
	assert.ErrorContains(t, err, "want a list")
	_, err = AccountNames(nil, 20)
	assert.ErrorContains(t, err, "want a list")
}

// TestCandidatesFunction: the expression function on its own, in a custom mapper.
func TestCandidatesFunction(t *testing.T) {
	m, err := Parse("custom", []byte(`
fields:
  username_candidates: {expr: 'flatten([candidates(givenname, "", surname) ?? [], lower(concat(surname, "_", employeeid))])'}
`))
	require.NoError(t, err)
	out, err := m.Map(map[string]any{"givenname": "Jean-Luc", "surname": "Picard", "employeeid": "7"}, Options{})
	require.NoError(t, err)
	names, err := AccountNames(out["username_candidates"], 64)
	require.NoError(t, err)
	assert.Equal(t, []string{"jean-luc.picard", "picard_7", "jean-luc.picard2"}, names[:3])
	assert.True(t, strings.HasSuffix(names[len(names)-1], fmt.Sprint(MaxCounter)))
}
