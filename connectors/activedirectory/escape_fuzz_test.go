package activedirectory

import (
	"testing"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"
)

// escapeSeeds are the values the escaping tests already cover.
var escapeSeeds = []string{"", "ann", "*)(objectClass=*", "O'Brien (Ops)", "back\\slash", "nul\x00byte", "Zoë",
	"Doe, Jr.", `A "B" + C; <D> \E`, "#1 fan", " lead ", "Zoë Åberg", "a=b", "  ", "\\", "#"}

// FuzzRDNValue checks that any CN survives rdnValue: the DN it builds parses, has the two
// RDNs it should, and gives back exactly the value put in. Only UTF-8 text is tried:
// profile values come from JSON, and go-ldap reads a DN as UTF-8.
func FuzzRDNValue(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			t.Skip("not UTF-8")
		}
		dn := "CN=" + rdnValue(v) + ",DC=x"
		parsed, err := ldap.ParseDN(dn)
		if err != nil {
			t.Fatalf("ParseDN(%q) for %q: %v", dn, v, err)
		}
		if len(parsed.RDNs) != 2 || len(parsed.RDNs[0].Attributes) != 1 {
			t.Fatalf("ParseDN(%q) for %q: %d RDNs, want 2 with one attribute in the first", dn, v, len(parsed.RDNs))
		}
		if got := parsed.RDNs[0].Attributes[0].Value; got != v {
			t.Fatalf("ParseDN(%q): value %q, want %q", dn, got, v)
		}
	})
}

// FuzzEq checks that eq builds, for any value, one equality filter that go-ldap compiles
// and whose assertion value is exactly the value put in.
func FuzzEq(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		filter := eq("mail", v)
		packet, err := ldap.CompileFilter(filter)
		if err != nil {
			t.Fatalf("CompileFilter(%q) for %q: %v", filter, v, err)
		}
		if packet.Tag != ldap.FilterEqualityMatch || len(packet.Children) != 2 {
			t.Fatalf("CompileFilter(%q): %s, want an equality match", filter, ldap.FilterMap[uint64(packet.Tag)])
		}
		if attr := packet.Children[0].Data.String(); attr != "mail" {
			t.Fatalf("CompileFilter(%q): attribute %q, want mail", filter, attr)
		}
		if got := packet.Children[1].Data.String(); got != v {
			t.Fatalf("CompileFilter(%q): value %q, want %q", filter, got, v)
		}
	})
}
