package workday

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// entries is the key of the rows in a RaaS JSON report.
const entries = "Report_Entry"

// decode reads {"Report_Entry":[{...}, ...]} token by token, building one row object at a
// time, and checks the document is whole: the rows' closing bracket and brace and nothing
// after them. Numbers stay json.Number, so ids keep every digit.
//
// Rows come out as encoding/json would decode them (UseNumber): a repeated key keeps its
// last value, and invalid UTF-8 becomes U+FFFD. The reading is jsontext's, which tokenizes
// without reflection, and a row's column names are shared between rows: decoding was most
// of planning's time.
func decode(ctx context.Context, r io.Reader, fn func(Row) error) error {
	d := &reader{dec: jsontext.NewDecoder(r, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)),
		names: map[string]string{}}
	tok, err := d.dec.ReadToken()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: empty response", ErrInvalid)
		}
		return broken(0, err)
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("%w: want a JSON object, got %s", ErrInvalid, describe(tok.Kind()))
	}
	found := false
	for d.dec.PeekKind() != '}' {
		name, err := d.dec.ReadToken()
		if err != nil {
			return broken(0, err)
		}
		if name.String() != entries {
			if err := d.dec.SkipValue(); err != nil {
				return broken(0, err)
			}
			continue
		}
		if found {
			return fmt.Errorf("%w: %s appears twice", ErrInvalid, entries)
		}
		found = true
		if err := d.rows(ctx, fn); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil { // the closing brace
		return broken(0, err)
	}
	if !found {
		return fmt.Errorf("%w: no %s in the report", ErrInvalid, entries)
	}
	if _, err := d.dec.ReadToken(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the end of the report", ErrInvalid)
	}
	return nil
}

// maxSharedNames bounds the column names rows share: a report's columns are a few dozen, and
// one whose rows each bring new names must not grow the table without end.
const maxSharedNames = 1024

// reader builds rows from a report's tokens.
type reader struct {
	dec *jsontext.Decoder
	// names holds each column name read so far, so that rows share one copy of it.
	names map[string]string
	buf   []byte // scratch for unquoting
}

func (d *reader) rows(ctx context.Context, fn func(Row) error) error {
	if kind := d.dec.PeekKind(); kind != '[' {
		if kind == 0 { // not JSON, or the end: ReadToken says which
			_, err := d.dec.ReadToken()
			return broken(1, err)
		}
		return fmt.Errorf("%w: %s is %s, want a list", ErrInvalid, entries, describe(kind))
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return broken(1, err)
	}
	n := 0
	// One map holds every row in turn: a map per row was a tenth of planning's time.
	cols := make(map[string]any)
	for {
		kind := d.dec.PeekKind()
		if kind == ']' {
			break
		}
		n++
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
		switch kind {
		case '{':
		case 0:
			_, err := d.dec.ReadToken()
			return broken(n, err)
		case 'n':
			return fmt.Errorf("%w: row %d is null, want an object", ErrInvalid, n)
		default:
			return fmt.Errorf("%w: row %d is %s, want an object", ErrInvalid, n, describe(kind))
		}
		clear(cols)
		if err := d.object(cols); err != nil {
			return broken(n, err)
		}
		if err := fn(Row{Number: n, Columns: cols}); err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
	}
	if _, err := d.dec.ReadToken(); err != nil { // the closing bracket
		return broken(n+1, err)
	}
	return nil
}

// object reads the object that comes next into m.
func (d *reader) object(m map[string]any) error {
	if _, err := d.dec.ReadToken(); err != nil { // {
		return err
	}
	for d.dec.PeekKind() != '}' {
		raw, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		name := d.name(raw)
		v, err := d.value()
		if err != nil {
			return err
		}
		m[name] = v
	}
	_, err := d.dec.ReadToken() // }
	return err
}

// value reads the value that comes next as encoding/json decodes into an any with UseNumber.
func (d *reader) value() (any, error) {
	switch d.dec.PeekKind() {
	case '{':
		m := map[string]any{}
		return m, d.object(m)
	case '[':
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, err
		}
		list := []any{}
		for d.dec.PeekKind() != ']' {
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := d.dec.ReadToken()
		return list, err
	}
	raw, err := d.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	switch raw.Kind() {
	case '"':
		return d.unquote(raw), nil
	case '0':
		return json.Number(raw), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	}
	return nil, nil // null
}

// name returns the column name raw quotes, the copy rows share.
func (d *reader) name(raw jsontext.Value) string {
	if s, ok := d.names[string(raw)]; ok {
		return s
	}
	s := d.unquote(raw)
	if len(d.names) < maxSharedNames {
		d.names[string(raw)] = s
	}
	return s
}

// unquote returns the string raw quotes, invalid UTF-8 replaced by U+FFFD.
func (d *reader) unquote(raw jsontext.Value) string {
	if body := raw[1 : len(raw)-1]; plain(body) {
		return string(body)
	}
	// The decoder has checked raw; the only error left says invalid UTF-8 was replaced.
	d.buf, _ = jsontext.AppendUnquote(d.buf[:0], raw)
	return string(d.buf)
}

// plain says whether a string literal's body is printable ASCII without escapes: itself.
func plain(body []byte) bool {
	if bytes.IndexByte(body, '\\') >= 0 {
		return false
	}
	for _, c := range body {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// broken explains a failure to read the document at a row (0 = outside the rows).
func broken(row int, err error) error {
	where := "outside " + entries
	if row > 0 {
		where = fmt.Sprintf("at row %d (%d complete rows before it)", row, row-1)
	}
	var syn *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: report ends early, %s", ErrInvalid, where)
	case errors.As(err, &syn):
		return fmt.Errorf("%w: malformed JSON %s, byte %d: %v", ErrInvalid, where, syn.ByteOffset, syn.Err)
	default: // the reader's: the connection, the file
		return fmt.Errorf("%w: reading %s: %w", ErrUnavailable, where, err)
	}
}

// describe names a JSON kind: "a list", "an object", "a string", …
func describe(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case '[':
		return "a list"
	case '{':
		return "an object"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a bool"
	}
	return fmt.Sprintf("%q", k.String())
}
