// Package password makes the temporary passwords set at AD activation (SPEC §1). It sits
// among the connectors because it serves one of them, inside one activity: the activity
// generates the password, sets it over LDAPS and mails it, and the password never leaves it.
//
// Every password meets Active Directory's complexity rule: characters from three of the four
// classes (upper case, lower case, digits, symbols) and no part of the account's name.
package password

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode"

	gopassword "github.com/sethvargo/go-password/password"
)

// The character sets leave out what is easily misread or mistyped when a service desk reads a
// password out over the phone (l/1/I, O/0), and symbols that quoting, CSV or a mail client
// may mangle (quotes, backslash, brackets, comma, period).
const (
	lowerSet  = "abcdefghijkmnopqrstuvwxyz"
	upperSet  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	digitSet  = "23456789"
	symbolSet = "!#$%&*+-=?@^_"
)

// Policy is the shape of a password: exactly Digits digits and Symbols symbols, the rest
// letters, at least Upper of them upper case and Lower lower case.
type Policy struct {
	Length, Digits, Symbols, Upper, Lower int
}

// DefaultPolicy is the policy of the example configuration.
var DefaultPolicy = Policy{Length: 16, Digits: 3, Symbols: 2, Upper: 1, Lower: 1}

// ErrPolicy means the policy cannot produce passwords that meet AD complexity.
var ErrPolicy = errors.New("password policy")

// maxAttempts bounds the retries when a password happens to contain part of a name; with
// 16 random characters a single retry is already rare.
const maxAttempts = 100

var generator = func() *gopassword.Generator {
	g, err := gopassword.NewGenerator(&gopassword.GeneratorInput{
		LowerLetters: lowerSet, UpperLetters: upperSet, Digits: digitSet, Symbols: symbolSet,
	})
	if err != nil {
		panic(err) // NewGenerator fails only on bad constant input
	}
	return g
}()

// Check says why a policy cannot guarantee AD complexity, or nil.
func (p Policy) Check() error {
	if p.Digits < 0 || p.Symbols < 0 || p.Upper < 0 || p.Lower < 0 {
		return fmt.Errorf("%w: negative count in %+v", ErrPolicy, p)
	}
	if p.Digits+p.Symbols+p.Upper+p.Lower > p.Length {
		return fmt.Errorf("%w: digits + symbols + upper + lower is more than length %d", ErrPolicy, p.Length)
	}
	classes := 0
	for _, n := range []int{p.Digits, p.Symbols, p.Upper, p.Lower} {
		if n > 0 {
			classes++
		}
	}
	if classes < 3 {
		return fmt.Errorf("%w: at least three of digits, symbols, upper, lower must be >= 1", ErrPolicy)
	}
	return nil
}

// Generate returns a new password under policy p that contains no part of names (the
// account name, the display name: see NameParts). Its errors never contain a password.
func Generate(p Policy, names ...string) (string, error) {
	if err := p.Check(); err != nil {
		return "", err
	}
	for range maxAttempts {
		pw, err := generator.Generate(p.Length, p.Digits, p.Symbols, false, true)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrPolicy, err)
		}
		if pw, err = ensureCases(pw, p.Upper, p.Lower); err != nil {
			return "", err
		}
		if MeetsADComplexity(pw, names...) {
			return pw, nil
		}
	}
	return "", fmt.Errorf("%w: no password without parts of the name after %d attempts", ErrPolicy, maxAttempts)
}

// ensureCases flips the case of randomly chosen letters until there are at least upper
// upper-case and lower lower-case ones. go-password draws each letter from both cases, so a
// short run of letters can miss one case; Check guarantees there are enough letters.
func ensureCases(pw string, upper, lower int) (string, error) {
	b := []byte(pw)
	positions := func(lo, hi byte) (idx []int) {
		for i, c := range b {
			if lo <= c && c <= hi {
				idx = append(idx, i)
			}
		}
		return idx
	}
	// flip changes the case of one of the letters at from; the sets leave out l, I and O,
	// so i, o and L become their neighbours J, P and k.
	flip := func(from []int) error {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(from))))
		if err != nil {
			return err
		}
		i := from[n.Int64()]
		switch c := b[i]; c {
		case 'i', 'o':
			b[i] = c - 'a' + 'A' + 1
		case 'L':
			b[i] = 'k'
		default:
			b[i] = c ^ 0x20 // ASCII letters differ in case by this bit only
		}
		return nil
	}
	for len(positions('A', 'Z')) < upper {
		if err := flip(positions('a', 'z')); err != nil {
			return "", err
		}
	}
	for len(positions('a', 'z')) < lower {
		ups := positions('A', 'Z')
		if len(ups) <= upper {
			return "", fmt.Errorf("%w: too few letters for upper %d and lower %d", ErrPolicy, upper, lower)
		}
		if err := flip(ups); err != nil {
			return "", err
		}
	}
	return string(b), nil
}

// MeetsADComplexity says whether pw would pass Active Directory's "passwords must meet
// complexity requirements": three of the four character classes, and none of NameParts(names)
// in it, ignoring case.
func MeetsADComplexity(pw string, names ...string) bool {
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, ok := range []bool{upper, lower, digit, other} {
		if ok {
			classes++
		}
	}
	if classes < 3 {
		return false
	}
	lpw := strings.ToLower(pw)
	for _, part := range NameParts(names...) {
		if strings.Contains(lpw, part) {
			return false
		}
	}
	return true
}

// NameParts returns, lower-cased, what AD forbids in a password for these names: each whole
// name and each of its tokens split at , . - _ # tab and space, keeping those of three or
// more characters (AD ignores shorter ones).
func NameParts(names ...string) []string {
	var parts []string
	for _, name := range names {
		name = strings.ToLower(name)
		for _, p := range append([]string{name}, strings.FieldsFunc(name, func(r rune) bool {
			return strings.ContainsRune(",.-_# \t", r)
		})...) {
			if len([]rune(p)) >= 3 {
				parts = append(parts, p)
			}
		}
	}
	return parts
}
