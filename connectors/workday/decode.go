package workday

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// entries is the key of the rows in a RaaS JSON report.
const entries = "Report_Entry"

// decode reads {"Report_Entry":[{...}, ...]} token by token, decoding one row object at
// a time, and checks the document is whole: the rows' closing bracket and brace and
// nothing after them. Numbers stay json.Number, so ids keep every digit.
func decode(ctx context.Context, r io.Reader, fn func(Row) error) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()

	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: empty response", ErrInvalid)
		}
		return broken(0, err)
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("%w: want a JSON object, got %s", ErrInvalid, describe(tok))
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return broken(0, err)
		}
		if tok != entries {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return broken(0, err)
			}
			continue
		}
		if found {
			return fmt.Errorf("%w: %s appears twice", ErrInvalid, entries)
		}
		found = true
		if err := rows(ctx, dec, fn); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return broken(0, err)
	}
	if !found {
		return fmt.Errorf("%w: no %s in the report", ErrInvalid, entries)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the end of the report", ErrInvalid)
	}
	return nil
}

func rows(ctx context.Context, dec *json.Decoder, fn func(Row) error) error {
	tok, err := dec.Token()
	if err != nil {
		return broken(1, err)
	}
	if tok != json.Delim('[') {
		if d, ok := tok.(json.Delim); ok && d == '{' {
			return fmt.Errorf("%w: %s is an object, want a list", ErrInvalid, entries)
		}
		return fmt.Errorf("%w: %s is %s, want a list", ErrInvalid, entries, describe(tok))
	}
	n := 0
	// One map holds every row in turn: a map per row was a tenth of planning's time.
	cols := make(map[string]any)
	for dec.More() {
		n++
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
		clear(cols)
		if err := dec.Decode(&cols); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				return fmt.Errorf("%w: row %d is %s, want an object", ErrInvalid, n, describeType(typ.Value))
			}
			return broken(n, err)
		}
		if cols == nil { // null sets the map to nil
			return fmt.Errorf("%w: row %d is null, want an object", ErrInvalid, n)
		}
		if err := fn(Row{Number: n, Columns: cols}); err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return broken(n+1, err)
	}
	return nil
}

// broken explains a failure to read the document at a row (0 = outside the rows).
func broken(row int, err error) error {
	where := "outside " + entries
	if row > 0 {
		where = fmt.Sprintf("at row %d (%d complete rows before it)", row, row-1)
	}
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: report ends early, %s", ErrInvalid, where)
	case errors.As(err, &syn):
		return fmt.Errorf("%w: malformed JSON %s, byte %d: %v", ErrInvalid, where, syn.Offset, err)
	default:
		return fmt.Errorf("%w: reading %s: %w", ErrUnavailable, where, err)
	}
}

// describeType names the JSON type of an UnmarshalTypeError's Value ("number 12", "array",
// …) as describe does.
func describeType(value string) string {
	switch kind, _, _ := strings.Cut(value, " "); kind {
	case "array":
		return "a list"
	case "object":
		return "an object"
	default:
		return "a " + kind
	}
}

func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case json.Delim:
		if v == '[' {
			return "a list"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a bool"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
