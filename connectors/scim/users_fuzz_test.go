package scim

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/scim2/filter-parser/v2"
)

// FuzzFilterValue checks that filterValue quotes any value so that a SCIM filter parser
// (the one under the stand-in's server library) accepts userName eq "…" and its compare
// value, read as the JSON string RFC 7644 §3.4.2.2 says it is, is exactly the value. Only
// UTF-8 text is tried: profile values come from JSON.
func FuzzFilterValue(f *testing.F) {
	for _, s := range []string{"", "grace.hopper@example.com", `o"brien\ops@example.com`, `\"`, `"`, `\`,
		"ext-carol@example.com", "Zoë", "tab\there", "line\nbreak", "\x00", "\u2028", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			t.Skip("not UTF-8")
		}
		raw := "userName eq " + filterValue(v)
		exp, err := filter.ParseFilter([]byte(raw))
		if err != nil {
			t.Fatalf("ParseFilter(%q) for %q: %v", raw, v, err)
		}
		ae, ok := exp.(*filter.AttributeExpression)
		if !ok || ae.Operator != filter.EQ || ae.AttributePath.AttributeName != "userName" {
			t.Fatalf("ParseFilter(%q): %#v, want userName eq", raw, exp)
		}
		cv, ok := ae.CompareValue.(string)
		if !ok {
			t.Fatalf("ParseFilter(%q): compare value %#v, want a string", raw, ae.CompareValue)
		}
		var got string
		if err := json.Unmarshal([]byte(`"`+cv+`"`), &got); err != nil {
			t.Fatalf("ParseFilter(%q): compare value %q is not a JSON string's contents: %v", raw, cv, err)
		}
		if got != v {
			t.Fatalf("ParseFilter(%q): compare value reads %q, want %q", raw, got, v)
		}
	})
}
