package mappers

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// FuzzParse feeds Parse arbitrary mapper files. It must not panic; it either fails with
// an error naming the mapper, or gives a mapper with at least one field, no field twice,
// that maps an empty row without panicking.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"workday-incoming", "okta-incoming", "okta-outgoing", "ad-outgoing", "scim-outgoing", "servicenow-outgoing"} {
		data, err := stock.ReadFile(name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"name: x\n", "fields: [a, b]\n", "fields: {a: B}\nfeilds: {}\n", "fields: {a: [\n",
		"fields:\n  ou: {expr: 'department == '}\n", "fields:\n  a: {from: A, expr: 'B'}\n", "fields:\n  a: {type: date}\n",
		"fields:\n  a: ''\n", "fields:\n  a: {form: A}\n", "fields:\n  a: {from: A, type: datetime}\n", "fields:\n  a: [A]\n",
		"fields:\n  a: A\n  a: B\n", "fields:\n  a: {expr: '('}\n  b: {expr: ')'}\n",
		"lookups:\n  region: {EMEA: Europe}\nfields:\n  r: {expr: 'lookup(\"region\", Location_Region, \"\")', required: true}\n",
		"fields:\n  d: {expr: 'date(row[\"D\"], \"01/02/2006\")'}\n  t: {expr: 'truncate(concat(a, b), 3)'}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz", data)
		if err != nil {
			if m != nil || !strings.HasPrefix(err.Error(), "mapper ") {
				t.Fatalf("Parse(%q): mapper %v, error %q: want no mapper and an error naming it", data, m, err)
			}
			return
		}
		keys := m.Fields()
		if len(keys) == 0 {
			t.Fatalf("Parse(%q): a mapper with no fields", data)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if strings.TrimSpace(k) == "" || seen[k] {
				t.Fatalf("Parse(%q): field %q empty or defined twice", data, k)
			}
			seen[k] = true
		}
		_, _ = m.MapFields(map[string]any{}, Options{})
	})
}

// FuzzMapStock maps rows of arbitrary text with the stock workday-incoming mapper: text
// columns come out trimmed and unchanged, emails lowered, and dates and flags either as
// a profile date and "true"/"false" or as that field's error.
func FuzzMapStock(f *testing.F) {
	f.Add("Grace Hopper", "Grace.Hopper@Example.com", "2024-03-04-08:00", "False")
	f.Add("  padded  ", " ÅSA@EXAMPLE.COM ", "2024-03-04T10:00:00+01:00", "1")
	f.Add("", "", "", "")
	f.Add("x", "İ@example.com", "13/45/2020", "perhaps")
	m, err := Stock("workday-incoming")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, email, date, flag string) {
		row := map[string]any{}
		for _, fld := range m.fields {
			switch {
			case fld.typ == typeDate:
				row[fld.from] = date
			case fld.typ == typeBool:
				row[fld.from] = flag
			case fld.from != "":
				row[fld.from] = text
			}
		}
		row["Email_Address"] = email
		out, err := m.MapFields(row, Options{})
		failed := map[string]bool{}
		var joined interface{ Unwrap() []error }
		if errors.As(err, &joined) {
			for _, e := range joined.Unwrap() {
				var fe *FieldError
				if !errors.As(e, &fe) {
					t.Fatalf("error %v is not a *FieldError", e)
				}
				failed[fe.Field] = true
			}
		} else if err != nil {
			t.Fatalf("error %v is not a list of field errors", err)
		}
		want := func(key, v string) {
			got, ok := out[key]
			if v = strings.TrimSpace(v); ok != (v != "") || got != v {
				t.Fatalf("%s: %q (present %v), want %q", key, got, ok, v)
			}
		}
		for _, fld := range m.fields {
			got, ok := out[fld.key]
			switch {
			case fld.typ == typeDate:
				if _, perr := time.Parse(profile.DateLayout, got); ok && perr != nil {
					t.Fatalf("%s: %q is not a profile date", fld.key, got)
				}
				if !ok && !failed[fld.key] && strings.TrimSpace(date) != "" {
					t.Fatalf("%s: date %q neither mapped nor reported", fld.key, date)
				}
			case fld.typ == typeBool:
				if ok && got != "true" && got != "false" {
					t.Fatalf("%s: %q, want true or false", fld.key, got)
				}
				if !ok && !failed[fld.key] && strings.TrimSpace(flag) != "" {
					t.Fatalf("%s: flag %q neither mapped nor reported", fld.key, flag)
				}
			case fld.from != "":
				want(fld.key, text)
			default:
				want(fld.key, strings.ToLower(email))
			}
			if failed[fld.key] && fld.typ != typeDate && fld.typ != typeBool {
				t.Fatalf("%s failed: %v", fld.key, err)
			}
		}
	})
}
