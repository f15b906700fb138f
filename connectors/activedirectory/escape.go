package activedirectory

import (
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// maxCNSuffix bounds the numbers appended to a CN that is taken (SPEC, profile-fields.md).
const maxCNSuffix = 29

// eq returns the filter (attr=value) with value escaped, so that "*", parentheses,
// backslashes and NUL bytes in a value only ever match themselves.
func eq(attr, value string) string { return "(" + attr + "=" + ldap.EscapeFilter(value) + ")" }

// adOnlyEscapes are the characters AD wants escaped in an RDN value beyond RFC 4514's: an
// unescaped "=" is refused as an invalid DN (LDAP 34), and so are raw line breaks.
var adOnlyEscapes = strings.NewReplacer("=", `\=`, "\n", `\0A`, "\r", `\0D`)

// rdnValue escapes value for use as one RDN value as AD requires: RFC 4514's commas, "+",
// quotes, backslashes, "<", ">", ";", a leading "#" and leading or trailing spaces, and AD's
// "=", CR and LF. Non-ASCII letters pass unchanged, as AD stores DNs in UTF-8.
func rdnValue(value string) string { return adOnlyEscapes.Replace(ldap.EscapeDN(value)) }

// userDN is the DN of a user whose common name is cn, in the OU ou.
func userDN(cn, ou string) string { return "CN=" + rdnValue(cn) + "," + ou }

// cnCandidate is the n-th CN tried for a new account: cn itself, then cn1 … cn29.
func cnCandidate(cn string, n int) string {
	if n == 0 {
		return cn
	}
	return fmt.Sprintf("%s%d", cn, n)
}

// sameCN says whether an account's CN is cn or one of its collision variants, so that an
// account created as "Ann Chen1" is not renamed on every update.
func sameCN(current, cn string) bool {
	if strings.EqualFold(current, cn) {
		return true
	}
	for n := 1; n <= maxCNSuffix; n++ {
		if strings.EqualFold(current, cnCandidate(cn, n)) {
			return true
		}
	}
	return false
}

// parentDN returns the DN of dn's parent, normalised.
func parentDN(dn string) (string, error) {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return "", err
	}
	if len(parsed.RDNs) < 2 {
		return "", fmt.Errorf("%q has no parent", dn)
	}
	return (&ldap.DN{RDNs: parsed.RDNs[1:]}).String(), nil
}

// sameDN compares two DNs as AD does: attribute types and values without regard to case.
func sameDN(a, b string) bool {
	pa, err := ldap.ParseDN(a)
	if err != nil {
		return strings.EqualFold(a, b)
	}
	pb, err := ldap.ParseDN(b)
	if err != nil {
		return false
	}
	return pa.EqualFold(pb)
}

// unicodePwd encodes a password as AD wants it in unicodePwd: the password in double
// quotes, UTF-16LE.
func unicodePwd(password string) string {
	quoted := []rune(`"` + password + `"`)
	b := make([]byte, 0, 2*len(quoted))
	for _, r := range quoted {
		if r > 0xFFFF {
			r -= 0x10000
			hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
			b = append(b, byte(hi), byte(hi>>8), byte(lo), byte(lo>>8))
			continue
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}
