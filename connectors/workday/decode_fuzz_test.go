package workday

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzDecode feeds decode arbitrary bytes. It must not panic; it either fails with
// ErrInvalid (the bytes come from memory, so nothing is unavailable) or the document is
// valid JSON whose Report_Entry holds exactly the rows handed over, in order.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{wholeReport, `{"Report_Entry":[]}`, `{}`, ``, `[]`, `null`,
		`{"Report_Entry":[{"a":"1"},{"a":`, `{"Report_Entry":null}`, `{"Report_Entry":{"a":"1"}}`,
		`{"Report_Entry":[{"a":"1"},["x"]]}`, `{"Report_Entry":["x"]}`, `{"Report_Entry":[],"Report_Entry":[]}`,
		`{"Report_Entry":[]} {}`, `{"Report_Entry":[{"a" "2"}]}`,
		`{"Report_Name":"ILM","Meta":{"x":[1,2]},"Report_Entry":[{"a":"1","n":12345678901234567890}],"Count":1}` + "\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []map[string]any
		err := decode(context.Background(), bytes.NewReader(data), func(r Row) error {
			if r.Number != len(got)+1 {
				t.Fatalf("row numbered %d after %d rows", r.Number, len(got))
			}
			got = append(got, maps.Clone(r.Columns))
			return nil
		})
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("decode(%q): %v, want ErrInvalid", data, err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("decode(%q) accepted invalid JSON", data)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("decode(%q) accepted a document that is not an object: %v", data, err)
		}
		dec := json.NewDecoder(bytes.NewReader(doc[entries]))
		dec.UseNumber()
		var want []map[string]any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("decode(%q) accepted %s that is not a list of objects: %v", data, entries, err)
		}
		if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("decode(%q): rows %v, want %v", data, got, want)
		}
	})
}

// FuzzDecodeRoundTrip encodes a report of rows holding the values given and checks that
// decode hands back every value as it was: strings unchanged, numbers digit for digit
// (as json.Number), bools and nulls as such, column names of any text.
func FuzzDecodeRoundTrip(f *testing.F) {
	f.Add("1001", "Grace Hopper", "Emp_ID", int64(1007), 1.5, true)
	f.Add(`o"brien\ops`, "Zoë\n\t\u2028", "Preferred_Name_-_First_Name", int64(math.MaxInt64), math.Copysign(0, -1), false)
	f.Add("", "", "", int64(0), 1e300, false)
	f.Fuzz(func(t *testing.T, id, text, column string, n int64, x float64, flag bool) {
		if !utf8.ValidString(id) || !utf8.ValidString(text) || !utf8.ValidString(column) ||
			math.IsNaN(x) || math.IsInf(x, 0) {
			t.Skip("not representable in JSON")
		}
		want := []map[string]any{
			{"Emp_ID": id, column: text, "N": n, "X": x, "Flag": flag, "Gone": nil, "Docs": []any{text}},
			{column: id},
		}
		doc, err := json.Marshal(map[string]any{"Report_Name": text, entries: want})
		if err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := decode(context.Background(), bytes.NewReader(doc), func(r Row) error {
			got = append(got, maps.Clone(r.Columns))
			return nil
		}); err != nil {
			t.Fatalf("decode(%s): %v", doc, err)
		}
		if len(got) != len(want) {
			t.Fatalf("decode(%s): %d rows, want %d", doc, len(got), len(want))
		}
		for i := range want {
			for k, w := range want[i] {
				g, ok := got[i][k]
				if !ok {
					t.Fatalf("row %d: column %q missing", i+1, k)
				}
				if !sameValue(g, w) {
					t.Fatalf("row %d: column %q is %#v, want %#v", i+1, k, g, w)
				}
			}
			if len(got[i]) != len(want[i]) {
				t.Fatalf("row %d: %d columns, want %d", i+1, len(got[i]), len(want[i]))
			}
		}
	})
}

// sameValue compares a decoded value with the Go value that was encoded: numbers arrive as
// json.Number and must give back the same int64 or float64.
func sameValue(got, want any) bool {
	num, isNum := got.(json.Number)
	switch w := want.(type) {
	case int64:
		i, err := num.Int64()
		return isNum && err == nil && i == w
	case float64:
		x, err := num.Float64()
		return isNum && err == nil && x == w
	}
	return reflect.DeepEqual(got, want)
}
