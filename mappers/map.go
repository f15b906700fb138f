package mappers

import (
	"errors"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/ilm-dev/ilm/profile"
)

// Options describe the source of the rows being mapped.
type Options struct {
	// DateLayout is the Go layout of the source's dates; "" means ISO (2006-01-02).
	// ISO dates, Workday's zone-suffixed dates and RFC 3339 are accepted either way.
	DateLayout string
	// Row is the source row number, for error messages; 0 means none.
	Row int
}

// Map maps one source row. Values keep their types: type: date gives a
// profile.DateLayout string, type: bool a bool; nil results are left out. Every failing
// field is reported (errors.Join of *FieldError) and the others are still returned.
func (m *Mapper) Map(src map[string]any, opt Options) (map[string]any, error) {
	out := make(map[string]any, len(m.fields))
	err := m.each(src, opt, nil, func(key string, v any) {
		if v != nil {
			out[key] = v
		}
	})
	return out, err
}

// MapFields maps one source row into profile fields. Values are rendered as text:
// strings trimmed, bools as "true"/"false", numbers without trailing zeros, lists and
// objects as JSON; empty values are left out. Errors are as for Map.
func (m *Mapper) MapFields(src map[string]any, opt Options) (profile.Fields, error) {
	out := make(profile.Fields, len(m.fields))
	err := m.each(src, opt, nil, func(key string, v any) {
		if s, ok := render(v); ok {
			out[key] = s
		}
	})
	return out, err
}

// MapSome computes only the fields keys names, as MapFields does, except that a required
// field that comes out empty is left out rather than failed: a lookup maps only the fields
// accounts are found by, and tries the ones it has.
func (m *Mapper) MapSome(src map[string]any, opt Options, keys ...string) (profile.Fields, error) {
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	out := make(profile.Fields, len(keys))
	err := m.each(src, opt, want, func(key string, v any) {
		if s, ok := render(v); ok {
			out[key] = s
		}
	})
	return out, err
}

// FieldErrors splits an error of Map, MapFields or MapSome by field key; an error of no
// field is under "".
func FieldErrors(err error) map[string]error {
	out := map[string]error{}
	var each []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		each = j.Unwrap()
	} else if err != nil {
		each = []error{err}
	}
	for _, e := range each {
		var fe *FieldError
		if errors.As(e, &fe) {
			out[fe.Field] = fe
		} else {
			out[""] = e
		}
	}
	return out
}

// each computes every field of a row, or only those in only (whose required flags it then
// ignores), and hands the values to set in file order.
func (m *Mapper) each(src map[string]any, opt Options, only map[string]bool, set func(key string, v any)) error {
	progs, err := m.programs(opt.DateLayout)
	if err != nil {
		return err
	}
	var machine *vm.VM
	defer func() {
		if machine != nil {
			m.vms.Put(machine)
		}
	}()

	var errs []error
	for i := range m.fields {
		f := &m.fields[i]
		if only != nil && !only[f.key] {
			continue
		}
		var v any
		var err error
		if progs[i] == nil {
			v = src[f.from]
		} else {
			if machine == nil {
				machine = m.vms.Get().(*vm.VM)
			}
			v, err = machine.Run(progs[i], src)
			err = exprError(err)
		}
		if err == nil {
			switch f.typ {
			case typeDate:
				v, err = toDate(v, opt.DateLayout)
			case typeBool:
				v, err = toBool(v)
			}
		}
		if err == nil && f.required && only == nil && isEmpty(v) {
			err = ErrRequired
		}
		if err != nil {
			errs = append(errs, &FieldError{Mapper: m.Name, Field: f.key, Row: opt.Row, Err: err})
			continue
		}
		set(f.key, v)
	}
	return errors.Join(errs...)
}

// exprError keeps the error a function returned, or expr's message without the source
// snippet, so a row's error stays on one line.
func exprError(err error) error {
	if err == nil {
		return nil
	}
	var fe *file.Error
	if !errors.As(err, &fe) {
		return err
	}
	if fe.Prev != nil {
		return fe.Prev
	}
	return errors.New(fe.Message)
}
