package password

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type classes struct{ upper, lower, digits, symbols int }

func countClasses(pw string) (c classes) {
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			c.upper++
		case unicode.IsLower(r):
			c.lower++
		case unicode.IsDigit(r):
			c.digits++
		default:
			c.symbols++
		}
	}
	return c
}

// TestEveryPasswordMeetsADComplexity is the property test: over many passwords and several
// policies, including tight ones where the letters barely fit, each password has the policy's
// shape, three of four classes, and no part of the user's names.
func TestEveryPasswordMeetsADComplexity(t *testing.T) {
	policies := []Policy{
		DefaultPolicy,
		{Length: 8, Digits: 1, Symbols: 1, Upper: 1, Lower: 1},
		{Length: 8, Digits: 3, Symbols: 2, Upper: 2, Lower: 1}, // letters exactly fill the rest
		{Length: 12, Digits: 2, Symbols: 0, Upper: 5, Lower: 5},
		{Length: 10, Digits: 0, Symbols: 3, Upper: 1, Lower: 1},
		{Length: 20, Digits: 4, Symbols: 4, Upper: 4, Lower: 4},
	}
	// Short names make collisions likely, so the retry path is exercised too.
	names := []string{"jsm", "Jane Smith-Ngata", "a.b", "xyz_qrs"}
	const n = 5000
	for _, p := range policies {
		for range n {
			pw, err := Generate(p, names...)
			require.NoError(t, err, "%+v", p)
			require.Len(t, pw, p.Length)
			c := countClasses(pw)
			assert.Equal(t, p.Digits, c.digits, "%+v %q", p, pw)
			assert.Equal(t, p.Symbols, c.symbols, "%+v %q", p, pw)
			assert.GreaterOrEqual(t, c.upper, p.Upper, "%+v %q", p, pw)
			assert.GreaterOrEqual(t, c.lower, p.Lower, "%+v %q", p, pw)
			require.True(t, MeetsADComplexity(pw, names...), "%+v %q", p, pw)
			require.False(t, strings.ContainsAny(pw, "lIO01\"'\\,.<>[]{}()`~|/:;"), "%q has a character the sets leave out", pw)
			for _, part := range NameParts(names...) {
				require.NotContains(t, strings.ToLower(pw), part)
			}
		}
	}
}

func TestPasswordsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		pw, err := Generate(DefaultPolicy)
		require.NoError(t, err)
		require.False(t, seen[pw], "repeated password")
		seen[pw] = true
	}
}

func TestPolicyThatCannotMeetADIsRefused(t *testing.T) {
	for _, p := range []Policy{
		{Length: 16, Digits: 0, Symbols: 0, Upper: 1, Lower: 1},
		{Length: 8, Digits: 4, Symbols: 4, Upper: 1, Lower: 1},
		{Length: 16, Digits: -1, Symbols: 2, Upper: 1, Lower: 1},
	} {
		_, err := Generate(p)
		require.ErrorIs(t, err, ErrPolicy, "%+v", p)
	}
}

func TestMeetsADComplexity(t *testing.T) {
	cases := []struct {
		pw    string
		names []string
		want  bool
	}{
		{"Abcdefg1", nil, true},
		{"abcdefg1!", nil, true},
		{"abcdefgh", nil, false},
		{"ABCDEFG1", nil, false},
		{"Xjsmith7!", []string{"jsmith"}, false},
		{"XJSMITH7!a", []string{"jsmith"}, false},     // ignoring case
		{"Smith#42x", []string{"Jane Smith"}, false},  // a token of the display name
		{"Ja#42xYzq", []string{"Jane Li"}, true},      // "li" is too short to count
		{"Q-ngata9x", []string{"Smith-Ngata"}, false}, // tokens split at "-"
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, MeetsADComplexity(tc.pw, tc.names...), "%q %v", tc.pw, tc.names)
	}
}

func TestNameParts(t *testing.T) {
	assert.Equal(t, []string{"jane.smith", "jane", "smith"}, NameParts("Jane.Smith"))
	assert.Empty(t, NameParts("jo", "m"), "parts under three characters are ignored")
	assert.Equal(t, []string{"jo m"}, NameParts("jo m"), "the whole name counts on its own")
}
