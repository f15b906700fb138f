package mappers

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// exprRow is the source row the function tests run against.
var exprRow = map[string]any{
	"Email_Address":    " Ada.Lovelace@Example.COM ",
	"First":            "Ada",
	"Last":             "Lovelace",
	"Blank":            "  ",
	"Null":             nil,
	"Hire":             "2024-03-04-08:00",
	"US_Date":          "03/04/2024",
	"Region":           "EMEA",
	"Tags":             []any{"a", "b", nil},
	"Count":            json.Number("3"),
	"Dash-Name Col":    "dashed",
	"Worker_Documents": []any{map[string]any{"Type": "Badge", "Number": "B-1001"}},
}

func TestFunctions(t *testing.T) {
	tests := []struct {
		expr string
		want any
	}{
		{`lower(Email_Address)`, " ada.lovelace@example.com "},
		{`lower(Missing)`, ""},
		{`upper(First)`, "ADA"},
		{`upper(Null)`, ""},
		{`trim(Email_Address)`, "Ada.Lovelace@Example.COM"},
		{`trim("--x--", "-")`, "x"},
		{`trim(Missing)`, ""},
		{`concat(First, " ", Last)`, "Ada Lovelace"},
		{`concat(First, Null, Missing, Count)`, "Ada3"},
		{`concat()`, ""},
		{`join(Tags, ",")`, "a,b,"},
		{`join(split("x;y", ";"), "+")`, "x+y"},
		{`join(Missing, ",")`, ""},
		{`split("a,b,c", ",")`, []string{"a", "b", "c"}},
		{`split(Missing, ",")`, []string{}},
		{`len(split(Missing, ","))`, 0},
		{`replace(First, "a", "4")`, "Ad4"},
		{`replace(Null, "a", "b")`, ""},
		{`coalesce(Missing, Blank, Null, First, Last)`, "Ada"},
		{`coalesce(Missing, Null)`, nil},
		{`coalesce(Count, First)`, json.Number("3")},
		{`localpart(trim(Email_Address))`, "Ada.Lovelace"},
		{`domain(lower(trim(Email_Address)))`, "example.com"},
		{`localpart("no-at-sign")`, "no-at-sign"},
		{`truncate("abcdef", 3)`, "abc"},
		{`truncate("ab", 3)`, "ab"},
		{`truncate("Åbergßöé", 6)`, "Åbergß"},
		{`truncate(Missing, 3)`, ""},
		{`truncate("abc", 0)`, ""},
		{`domain("no-at-sign")`, ""},
		{`localpart("a@b@c.test")`, "a@b"},
		{`date(Hire)`, "2024-03-04"},
		{`date(Hire, "Jan 2, 2006")`, "Mar 4, 2024"},
		{`date("2024-01-15T23:30:00.000-08:00", "2006-01-02")`, "2024-01-15"},
		{`date(Missing, "2006")`, ""},
		{`formatDate(US_Date, "01/02/2006", "2006-01-02")`, "2024-03-04"},
		{`formatDate(Hire, "01/02/2006", "02.01.2006")`, "04.03.2024"},
		{`formatDate(Null, "01/02/2006", "2006-01-02")`, ""},
		{`lookup("region", Region, "Other")`, "Europe"},
		{`lookup("region", "APAC", "Other")`, "Other"},
		{`lookup("region", "APAC")`, nil},
		{`lookup("region", Missing, "Other")`, "Other"},
		{`row["Dash-Name Col"]`, "dashed"},
		{`row.First`, "Ada"},
		{`row["Missing"]`, nil},
		{`Missing`, nil},
		{`Missing ?? "default"`, "default"},
		{`First == "Ada" ? "yes" : "no"`, "yes"},
		{`Missing == nil`, true},
		{`len(Worker_Documents)`, 1},
		{`Worker_Documents[0].Number`, "B-1001"},
		{`map(Worker_Documents, .Type)`, []any{"Badge"}},
		{`let n = concat(First, Last); lower(n)`, "adalovelace"},
		{`hasPrefix(First, "A")`, true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			m := mustParse(t, "lookups:\n  region: {EMEA: Europe, AMER: Americas}\nfields:\n  out: {expr: '"+strings.ReplaceAll(tt.expr, "'", "''")+"'}\n")
			got, err := m.Map(exprRow, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got["out"], tt.want) {
				t.Fatalf("got %#v, want %#v", got["out"], tt.want)
			}
		})
	}
}

func TestFunctionErrors(t *testing.T) {
	tests := []struct {
		expr, want string
	}{
		{`date(First)`, `cannot parse "Ada" as a date (layout "2006-01-02")`},
		{`formatDate(First, "01/02/2006", "2006")`, `cannot parse "Ada" as a date (layout "01/02/2006")`},
		{`join(First, ",")`, `join: want a list, got string`},
		{`lookup(Region, "x")`, `lookup table "EMEA" is not defined under lookups`},
		{`Missing + 1`, `invalid operation: <nil> + int`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			m := mustParse(t, "lookups:\n  region: {EMEA: Europe}\nfields:\n  out: {expr: '"+tt.expr+"'}\n")
			_, err := m.Map(exprRow, Options{Row: 3})
			want := `mapper "test", row 3, field "out": ` + tt.want
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error = %v, want it to contain %q", err, want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

// date() reads source dates in the layout the caller names in Options, which differs
// between sources mapped by the same mapper.
func TestDateFunctionUsesSourceLayout(t *testing.T) {
	m := mustParse(t, "fields:\n  d: {expr: 'date(row[\"D\"], \"2006-01-02\")'}\n")
	for _, tt := range []struct{ layout, in, want string }{
		{"01/02/2006", "03/04/2024", "2024-03-04"},
		{"02/01/2006", "03/04/2024", "2024-04-03"},
		{"", "2024-04-03", "2024-04-03"},
		{"02/01/2006", "2024-04-03-07:00", "2024-04-03"},
	} {
		got, err := m.MapFields(map[string]any{"D": tt.in}, Options{DateLayout: tt.layout})
		if err != nil {
			t.Fatal(err)
		}
		if got["d"] != tt.want {
			t.Errorf("layout %q: date(%q) = %q, want %q", tt.layout, tt.in, got["d"], tt.want)
		}
	}
}
