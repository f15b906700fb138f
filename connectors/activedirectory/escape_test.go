package activedirectory

import (
	"testing"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFilterValuesMatchOnlyThemselves(t *testing.T) {
	for in, want := range map[string]string{
		"ann":              `(mail=ann)`,
		"*)(objectClass=*": `(mail=\2a\29\28objectClass=\2a)`,
		"O'Brien (Ops)":    `(mail=O'Brien \28Ops\29)`,
		"back\\slash":      `(mail=back\5cslash)`,
		"nul\x00byte":      `(mail=nul\00byte)`,
		"Zoë":              `(mail=Zo\c3\ab)`,
	} {
		got := eq("mail", in)
		assert.Equal(t, want, got, in)
		_, err := ldap.CompileFilter(got)
		assert.NoError(t, err, in)
	}
}

func TestUserDNEscapesTheCN(t *testing.T) {
	for cn, want := range map[string]string{
		"Doe, Jr.":          `CN=Doe\, Jr.,OU=People,DC=example,DC=test`,
		"O'Brien (Ops)":     `CN=O'Brien (Ops),OU=People,DC=example,DC=test`,
		`A "B" + C; <D> \E`: `CN=A \"B\" \+ C\; \<D\> \\E,OU=People,DC=example,DC=test`,
		"#1 fan":            `CN=\#1 fan,OU=People,DC=example,DC=test`,
		" lead ":            `CN=\ lead\ ,OU=People,DC=example,DC=test`,
		"Zoë Åberg":         `CN=Zoë Åberg,OU=People,DC=example,DC=test`,
	} {
		dn := userDN(cn, "OU=People,DC=example,DC=test")
		assert.Equal(t, want, dn, cn)
		parsed, err := ldap.ParseDN(dn)
		require.NoError(t, err, dn)
		assert.Equal(t, cn, parsed.RDNs[0].Attributes[0].Value, "round trip of %q", cn)
		assert.Len(t, parsed.RDNs, 4)
	}
}

func TestCNCandidatesAndSameCN(t *testing.T) {
	assert.Equal(t, "Ann Chen", cnCandidate("Ann Chen", 0))
	assert.Equal(t, "Ann Chen29", cnCandidate("Ann Chen", 29))
	assert.True(t, sameCN("ann chen", "Ann Chen"))
	assert.True(t, sameCN("Ann Chen7", "Ann Chen"))
	assert.False(t, sameCN("Ann Chen30", "Ann Chen"))
	assert.False(t, sameCN("Ann Cheng", "Ann Chen"))
}

func TestParentAndSameDN(t *testing.T) {
	p, err := parentDN(`CN=Doe\, Jr.,OU=Ops,DC=example,DC=test`)
	require.NoError(t, err)
	assert.True(t, sameDN(p, "ou=ops,dc=EXAMPLE,dc=test"))
	assert.False(t, sameDN(p, "OU=Sales,DC=example,DC=test"))
	_, err = parentDN("DC=test")
	assert.Error(t, err)
}

func TestUnicodePwdIsQuotedUTF16LE(t *testing.T) {
	for _, pw := range []string{"Secret-123", "Pässwörd-1", "emoji-😀-1"} {
		b := []byte(unicodePwd(pw))
		require.Zero(t, len(b)%2)
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		assert.Equal(t, `"`+pw+`"`, string(utf16.Decode(u)))
	}
}

// AD refuses an unescaped "=" or a raw line break in an RDN value (LDAP 34): rdnValue escapes
// them, and the DN still parses back to the value.
func TestRDNValueEscapesWhatADRequires(t *testing.T) {
	for value, want := range map[string]string{
		"Probe a=b":   `Probe a\=b`,
		"two\nlines":  `two\0Alines`,
		"cr\rhere":    `cr\0Dhere`,
		"Doe, Jr.":    `Doe\, Jr.`,
		"x;y<z>+1":    `x\;y\<z\>\+1`,
		"#Zoë Ñúñez ": `\#Zoë Ñúñez\ `,
	} {
		assert.Equal(t, want, rdnValue(value), "%q", value)
		dn, err := ldap.ParseDN("CN=" + rdnValue(value) + ",DC=example,DC=test")
		require.NoError(t, err, "%q", value)
		assert.Equal(t, value, dn.RDNs[0].Attributes[0].Value)
	}
}
