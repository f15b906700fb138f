package workday

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"reflect"
	"strings"
	"testing"
)

func decodeString(doc string) (int, error) {
	n := 0
	err := decode(context.Background(), strings.NewReader(doc), func(Row) error { n++; return nil })
	return n, err
}

const wholeReport = `{"Report_Entry":[{"Emp_ID":"1001","Docs":[{"T":"Badge"}],"N":null},{"Emp_ID":"1002","Flag":"1"},{"Emp_ID":"1003"}]}`

// Every cut of a report fails, wherever it falls: a short download must never pass
// for a report with fewer people in it.
func TestEveryTruncationFails(t *testing.T) {
	if n, err := decodeString(wholeReport); err != nil || n != 3 {
		t.Fatalf("whole report: %d rows, %v", n, err)
	}
	for i := 0; i < len(wholeReport); i++ {
		_, err := decodeString(wholeReport[:i])
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("cut at byte %d (%q): error %v, want ErrInvalid", i, wholeReport[:i], err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
		rows            int
	}{
		{"cut inside row 2", `{"Report_Entry":[{"a":"1"},{"a":`, "report ends early, at row 2 (1 complete rows before it)", 1},
		{"cut between rows", `{"Report_Entry":[{"a":"1"},`, "report ends early, at row 2", 1},
		{"cut after rows", `{"Report_Entry":[{"a":"1"}]`, "report ends early, outside Report_Entry", 1},
		{"no Report_Entry", `{"Report_Data":[]}`, "no Report_Entry in the report", 0},
		{"empty object", `{}`, "no Report_Entry in the report", 0},
		{"null Report_Entry", `{"Report_Entry":null}`, "Report_Entry is null, want a list", 0},
		{"object Report_Entry", `{"Report_Entry":{"a":"1"}}`, "Report_Entry is an object, want a list", 0},
		{"row not an object", `{"Report_Entry":[{"a":"1"},["x"]]}`, "row 2 is a list, want an object", 1},
		{"row a string", `{"Report_Entry":["x"]}`, "row 1 is a string, want an object", 0},
		{"row a number", `{"Report_Entry":[{"a":"1"},12.5]}`, "row 2 is a number, want an object", 1},
		{"row a bool", `{"Report_Entry":[true]}`, "row 1 is a bool, want an object", 0},
		{"row null", `{"Report_Entry":[{"a":"1"},null,{"a":"3"}]}`, "row 2 is null, want an object", 1},
		{"syntax error in row", `{"Report_Entry":[{"a":"1"},{"a" "2"}]}`, "malformed JSON at row 2", 1},
		{"twice", `{"Report_Entry":[],"Report_Entry":[]}`, "Report_Entry appears twice", 0},
		{"trailing data", `{"Report_Entry":[]} {}`, "data after the end of the report", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := decodeString(tt.doc)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrInvalid with %q", err, tt.want)
			}
			if n != tt.rows {
				t.Errorf("%d rows handed over before the error, want %d", n, tt.rows)
			}
		})
	}
}

func TestDecodeSkipsOtherKeys(t *testing.T) {
	n, err := decodeString(`{"Report_Name":"ILM","Meta":{"x":[1,2]},"Report_Entry":[{"a":"1"}],"Count":1}` + "\n")
	if err != nil || n != 1 {
		t.Fatalf("%d rows, %v", n, err)
	}
}

// Each row is handed over alone, although one map holds them in turn: no column of an
// earlier row shows in a later one, and a row whose object repeats a key keeps the last value.
func TestDecodeRowsDoNotLeak(t *testing.T) {
	doc := `{"Report_Entry":[{"a":"1","b":"x","n":null},{"a":"2"},{"a":"3","a":"4"}]}`
	var got []map[string]any
	err := decode(context.Background(), strings.NewReader(doc), func(r Row) error {
		got = append(got, maps.Clone(r.Columns))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"a": "1", "b": "x", "n": nil}, {"a": "2"}, {"a": "4"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
}

// Rows come out as encoding/json decodes them with UseNumber, escapes, non-ASCII text and
// invalid UTF-8 included: the names rows share and the plain-ASCII shortcut change nothing.
func TestDecodeLikeEncodingJSON(t *testing.T) {
	docs := []string{
		`{"Report_Entry":[{"Emp_ID":"1","Name":"Zoë O\"Brien","N":12345678901234567890,"F":-1.5e3,"B":true,"Z":null},` +
			`{"Emp\u005fID":"2","Name":"\ud83d\ude00 \u00e9","Docs":[{"T":"Badge","L":[1,"x",false,null,{}]}],"E":[]}]}`,
		"{\"Report_Entry\":[{\"bad\xffname\":\"bad\xfe\xffvalue\",\"lone\":\"\\ud800x\"},{\"bad\xffname\":\"again\"}]}",
		`{"Report_Entry":[{"a":"1","a":"2","b":{"c":"3","c":"4"}}]}`,
	}
	for _, doc := range docs {
		var got []map[string]any
		err := decode(context.Background(), strings.NewReader(doc), func(r Row) error {
			got = append(got, maps.Clone(r.Columns))
			return nil
		})
		if err != nil {
			t.Fatalf("decode(%q): %v", doc, err)
		}
		want, err := decodeWhole(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("decode(%q):\n got %#v\nwant %#v", doc, got, want)
		}
	}
}

// decodeWhole decodes a report's rows with encoding/json (UseNumber) in one go: what decode
// must hand over, and the benchmark's baseline.
func decodeWhole(r io.Reader) ([]map[string]any, error) {
	var whole struct {
		Rows []map[string]any `json:"Report_Entry"`
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	err := dec.Decode(&whole)
	return whole.Rows, err
}
