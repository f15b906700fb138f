package mappers

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ilm-dev/ilm/profile"
)

func mustParse(t testing.TB, yamlData string) *Mapper {
	t.Helper()
	m, err := Parse("test", []byte(yamlData))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func TestMapFields(t *testing.T) {
	m := mustParse(t, `
fields:
  city: City
  email: {expr: 'lower(row["Email_Address"])'}
  hiredate: {from: Last_Hire_Date, type: date}
  prehireflag: {from: Prehire_Flag, type: bool}
  ou: {expr: 'department == "Sales" ? "OU=Sales,DC=example,DC=test" : "OU=Staff,DC=example,DC=test"', required: true}
  department: department
  badge: Worker_Documents
  count: Count
  ratio: Ratio
  flag: Flag
  nothing: Nothing
  blank: Blank
  empty_list: Empty_List
  favouritecolour: CF_Favourite_Colour
`)
	src := map[string]any{
		"City":                "  Berlin ",
		"Email_Address":       "Ada@Example.COM",
		"Last_Hire_Date":      "2024-03-04-08:00",
		"Prehire_Flag":        "True",
		"department":          "Sales",
		"Worker_Documents":    []any{map[string]any{"Type": "Badge", "Number": "B-1"}},
		"Count":               json.Number("12"),
		"Ratio":               1.50,
		"Flag":                true,
		"Nothing":             nil,
		"Blank":               "   ",
		"Empty_List":          []any{},
		"CF_Favourite_Colour": "teal",
	}
	got, err := m.MapFields(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := profile.Fields{
		"city":            "Berlin",
		"email":           "ada@example.com",
		"hiredate":        "2024-03-04",
		"prehireflag":     "true",
		"ou":              "OU=Sales,DC=example,DC=test",
		"department":      "Sales",
		"badge":           `[{"Number":"B-1","Type":"Badge"}]`,
		"count":           "12",
		"ratio":           "1.5",
		"flag":            "true",
		"favouritecolour": "teal",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
}

func TestMapKeepsTypes(t *testing.T) {
	m := mustParse(t, `
fields:
  hiredate: {from: Hire, type: date}
  prehireflag: {from: Prehire, type: bool}
  docs: Docs
  missing: Missing
`)
	docs := []any{map[string]any{"Type": "Badge"}}
	got, err := m.Map(map[string]any{"Hire": "2020-08-29", "Prehire": "0", "Docs": docs}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"hiredate": "2020-08-29", "prehireflag": false, "docs": docs}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, ""},
		{" x ", "x"},
		{"", ""},
		{true, "true"},
		{false, "false"},
		{json.Number("1.50"), "1.5"},
		{json.Number("2.0"), "2"},
		{json.Number("007"), "007"},
		{json.Number("-0.500"), "-0.5"},
		{json.Number("1.5e3"), "1500"},
		{json.Number("12345678901234567890"), "12345678901234567890"},
		{3.0, "3"},
		{0.25, "0.25"},
		{float32(1.5), "1.5"},
		{42, "42"},
		{int64(-7), "-7"},
		{int32(5), "5"},
		{uint8(9), "9"},
		{[]any{"a", 1}, `["a",1]`},
		{map[string]any{"k": "v"}, `{"k":"v"}`},
		{[]any{}, ""},
		{map[string]any{}, ""},
	}
	for _, tt := range tests {
		if got, _ := render(tt.in); got != tt.want {
			t.Errorf("render(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTypes(t *testing.T) {
	tests := []struct {
		name    string
		typ     string
		layout  string
		in      any
		want    string // "" = field left out
		wantErr string
	}{
		{"iso date", "date", "", "2020-08-29", "2020-08-29", ""},
		{"zone suffix", "date", "", "2024-03-04-08:00", "2024-03-04", ""},
		{"zone suffix Z", "date", "", "2024-03-04Z", "2024-03-04", ""},
		{"rfc3339 fraction keeps local day", "date", "", "2024-01-15T23:30:00.000-08:00", "2024-01-15", ""},
		{"rfc3339", "date", "", "2024-01-15T09:30:00Z", "2024-01-15", ""},
		{"source layout", "date", "01/02/2006", "12/31/2020", "2020-12-31", ""},
		{"iso still accepted with layout", "date", "01/02/2006", "2020-12-31", "2020-12-31", ""},
		{"null date", "date", "", nil, "", ""},
		{"blank date", "date", "", "  ", "", ""},
		{"bad date", "date", "01/02/2006", "13/45/2020", "", `cannot parse "13/45/2020" as a date (layout "01/02/2006")`},
		{"bad iso date", "date", "", "2020-02-30", "", `cannot parse "2020-02-30" as a date (layout "2006-01-02")`},
		{"number as date", "date", "", 20200101.0, "", `cannot parse 20200101 (float64) as a date`},
		{"bool 1", "bool", "", "1", "true", ""},
		{"bool 0", "bool", "", "0", "false", ""},
		{"bool True", "bool", "", "True", "true", ""},
		{"bool False", "bool", "", "False", "false", ""},
		{"bool TRUE", "bool", "", "TRUE", "true", ""},
		{"bool yes", "bool", "", "Yes", "true", ""},
		{"bool NO", "bool", "", "NO", "false", ""},
		{"bool native", "bool", "", true, "true", ""},
		{"bool number", "bool", "", json.Number("1"), "true", ""},
		{"bool float", "bool", "", 0.0, "false", ""},
		{"bool null", "bool", "", nil, "", ""},
		{"bool blank", "bool", "", "", "", ""},
		{"bool bad", "bool", "", "maybe", "", `cannot parse "maybe" as a bool (want true/false, yes/no or 1/0)`},
		{"bool bad number", "bool", "", 2.0, "", `cannot parse 2 (float64) as a bool`},
		{"string type", "string", "", "x", "x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, "fields:\n  f: {from: Col, type: "+tt.typ+"}\n")
			got, err := m.MapFields(map[string]any{"Col": tt.in}, Options{DateLayout: tt.layout, Row: 7})
			if tt.wantErr != "" {
				want := `mapper "test", row 7, field "f": ` + tt.wantErr
				if err == nil || !strings.HasPrefix(err.Error(), want) {
					t.Fatalf("error = %v, want %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := got["f"]; v != tt.want || ok != (tt.want != "") {
				t.Fatalf("got %q (present %v), want %q", v, ok, tt.want)
			}
		})
	}
}

func TestRowErrors(t *testing.T) {
	m := mustParse(t, `
name: workday-incoming
fields:
  employeeid: {from: Emp_ID, required: true}
  hiredate: {from: Last_Hire_Date, type: date}
  prehireflag: {from: Prehire_Flag, type: bool}
  ou: {expr: 'lookup("ou", Department)', required: true}
  city: City
lookups:
  ou: {Sales: "OU=Sales"}
`)
	got, err := m.MapFields(map[string]any{
		"Last_Hire_Date": "13/45/2020",
		"Prehire_Flag":   "perhaps",
		"Department":     "Legal",
		"City":           "Oslo",
	}, Options{DateLayout: "01/02/2006", Row: 7})
	want := []string{
		`mapper "workday-incoming", row 7, field "employeeid": required value is empty`,
		`mapper "workday-incoming", row 7, field "hiredate": cannot parse "13/45/2020" as a date (layout "01/02/2006")`,
		`mapper "workday-incoming", row 7, field "prehireflag": cannot parse "perhaps" as a bool (want true/false, yes/no or 1/0)`,
		`mapper "workday-incoming", row 7, field "ou": required value is empty`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Fatalf("error:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	if !errors.Is(err, ErrRequired) {
		t.Error("errors.Is(err, ErrRequired) = false")
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "employeeid" || fe.Row != 7 || fe.Mapper != "workday-incoming" {
		t.Errorf("errors.As FieldError = %+v", fe)
	}
	if !reflect.DeepEqual(got, profile.Fields{"city": "Oslo"}) {
		t.Errorf("fields that mapped = %v, want city only", got)
	}

	_, err = m.MapFields(map[string]any{"Emp_ID": "1", "Department": "Sales"}, Options{})
	if err != nil {
		t.Fatalf("good row: %v", err)
	}
	_, err = m.MapFields(map[string]any{"Department": "Sales"}, Options{})
	if err == nil || err.Error() != `mapper "workday-incoming", field "employeeid": required value is empty` {
		t.Fatalf("row 0 error = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"no fields", "name: x\n", []string{`mapper "x": fields: want a mapping`}},
		{"fields not a map", "fields: [a, b]\n", []string{`mapper "test": fields: want a mapping`}},
		{"unknown top key", "fields: {a: B}\nfeilds: {}\n", []string{`mapper "test": yaml:`, `field feilds not found`}},
		{"bad yaml", "fields: {a: [\n", []string{`mapper "test": yaml:`}},
		{"compile error", "name: workday-incoming\nfields:\n  ou: {expr: 'department == '}\n",
			[]string{`mapper "workday-incoming", field "ou": expression "department == ": unexpected token EOF`}},
		{"unknown function", "fields:\n  ou: {expr: 'nosuch(department)'}\n",
			[]string{`mapper "test", field "ou": expression "nosuch(department)": unknown function nosuch`}},
		{"wrong arity", "fields:\n  e: {expr: 'lower(a, b)'}\n",
			[]string{`field "e": expression "lower(a, b)": too many arguments to call lower`}},
		{"type error", "fields:\n  e: {expr: 'lower(a) + 1'}\n",
			[]string{`field "e": expression "lower(a) + 1": invalid operation: + (mismatched types string and int)`}},
		{"unknown lookup table", "fields:\n  r: {expr: 'lookup(\"region\", Location_Region, \"\")'}\n",
			[]string{`field "r": expression "lookup(\"region\", Location_Region, \"\")": lookup table "region" is not defined under lookups`}},
		{"both from and expr", "fields:\n  a: {from: A, expr: 'B'}\n", []string{`field "a": line 2: want exactly one of from and expr`}},
		{"neither", "fields:\n  a: {type: date}\n", []string{`field "a": line 2: want exactly one of from and expr`}},
		{"empty shorthand", "fields:\n  a: ''\n", []string{`field "a": line 2: source column is empty`}},
		{"unknown key", "fields:\n  a: {form: A}\n", []string{`field "a": line 2: unknown key "form"`}},
		{"unknown type", "fields:\n  a: {from: A, type: datetime}\n", []string{`field "a": line 2: unknown type "datetime"`}},
		{"list value", "fields:\n  a: [A]\n", []string{`field "a": line 2: want a column name`}},
		{"duplicate", "fields:\n  a: A\n  a: B\n", []string{`field "a": line 3: field defined twice`}},
		{"every bad field", "fields:\n  a: {expr: '('}\n  b: {expr: ')'}\n", []string{`field "a"`, `field "b"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("test", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestFieldsInFileOrder(t *testing.T) {
	m := mustParse(t, "fields:\n  zeta: Z\n  alpha: {from: A}\n  mid: {expr: 'M'}\n")
	if got, want := m.Fields(), []string{"zeta", "alpha", "mid"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Fields() = %v, want %v", got, want)
	}
	if m.Name != "test" {
		t.Errorf("Name = %q, want the name given to Parse", m.Name)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	own := filepath.Join(dir, "workday-incoming.yaml")
	if err := os.WriteFile(own, []byte("name: mine\nfields:\n  city: Town\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := Load(own)
	if err != nil || m.Name != "mine" {
		t.Fatalf("Load(existing) = %v, %v; want the file on disk", m, err)
	}

	m, err = Load(filepath.Join(dir, "mappers", "workday-incoming.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "workday-incoming" || len(m.Fields()) != 34 {
		t.Fatalf("Load(missing stock) = %s with %d fields, want the stock copy", m.Name, len(m.Fields()))
	}

	plain := filepath.Join(dir, "custom.yaml")
	if err := os.WriteFile(plain, []byte("fields:\n  a: A\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if m, err = Load(plain); err != nil || m.Name != "custom" {
		t.Fatalf("Load(unnamed) = %v, %v; want name from the file name", m, err)
	}

	_, err = Load(filepath.Join(dir, "nosuch.yaml"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nosuch.yaml") {
		t.Fatalf("Load(missing) error = %v", err)
	}
}

func TestStock(t *testing.T) {
	for _, name := range []string{"workday-incoming", "workday-incoming.yaml"} {
		if _, err := Stock(name); err != nil {
			t.Errorf("Stock(%q): %v", name, err)
		}
	}
	_, err := Stock("okta-outgoing-nope")
	if err == nil || !strings.Contains(err.Error(), "workday-incoming.yaml") {
		t.Fatalf("Stock(unknown) error = %v, want it to list the stock mappers", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	m := mustParse(t, "fields:\n  e: {expr: 'lower(E)'}\n  d: {expr: 'date(D)'}\n  c: C\n")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			layout := []string{"", "01/02/2006", "02/01/2006"}[g%3]
			for range 200 {
				got, err := m.MapFields(map[string]any{"E": "A@B", "D": "2020-01-02", "C": "x"}, Options{DateLayout: layout})
				if err != nil || got["e"] != "a@b" || got["d"] != "2020-01-02" || got["c"] != "x" {
					t.Errorf("got %v, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
