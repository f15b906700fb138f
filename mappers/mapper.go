// Package mappers turns a record of one system into a record of another through
// declarative YAML files: each target field takes a source column or an expression
// (github.com/expr-lang/expr), optionally typed as a date or a bool. Adding a field to a
// file is all it takes to carry a new column, so custom fields need no code.
//
// A mapper file:
//
//	name: workday-incoming
//	description: Workday RaaS report row -> user profile
//	lookups:
//	  region: {EMEA: Europe, AMER: Americas}
//	fields:
//	  city: City                                   # shorthand for {from: City}
//	  email: {expr: 'lower(row["Email_Address"])'}
//	  hiredate: {from: Last_Hire_Date, type: date}
//	  ou: {expr: 'department == "Sales" ? "OU=Sales" : "OU=Staff"', required: true}
//
// Expressions see the source row as row["Any Column"] and, for columns whose names are
// identifiers, by name; a missing column is nil, never an error. Besides expr's
// operators, conditionals and builtins they may call:
//
//	lower(v) upper(v) trim(v [, cutset])   nil reads as ""
//	concat(a, b, ...)                      texts joined, nil as ""
//	join(list, sep) split(s, sep) replace(s, old, new)
//	coalesce(a, b, ...)                    first value that is not nil or blank
//	localpart(email) domain(email)         around the last "@"
//	date(v [, outLayout])                  a source date (read as type: date reads it)
//	                                       in outLayout, default 2006-01-02; "" if empty
//	formatDate(v, inLayout, outLayout)     the same with the input layout given
//	lookup(table, key [, default])         a value from the file's lookups
//	candidates(first, middle, last)        account names: [first.last, first.m.last],
//	                                       transliterated; nil when a name cannot be
//	                                       (see Transliterate, AccountNames)
//	translit(v)                            v in lower-case ASCII (Transliterate)
package mappers

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"
)

// Mapper is a parsed, compiled mapper file. It is safe for concurrent use.
type Mapper struct {
	Name        string
	Description string

	fields  []field
	lookups map[string]map[string]string

	// progs holds the programs compiled for the default date layout, indexed like
	// fields (nil for plain from: fields).
	progs []*vm.Program
	// byLayout caches programs compiled for other Options.DateLayout values, needed
	// only when an expression calls date(), whose input layout comes from Options.
	usesDate bool
	byLayout sync.Map // string -> []*vm.Program
	vms      sync.Pool
}

type fieldType string

const (
	typeString fieldType = ""
	typeDate   fieldType = "date"
	typeBool   fieldType = "bool"
)

type field struct {
	key      string
	from     string
	expr     string
	typ      fieldType
	required bool
	// reads are the names the field reads from its source, readsAny whether it reads a
	// name it computes (see Mapper.Reads).
	reads    []string
	readsAny bool
}

// fieldSpec is the long form of a field in YAML.
type fieldSpec struct {
	From     string `yaml:"from"`
	Expr     string `yaml:"expr"`
	Type     string `yaml:"type"`
	Required bool   `yaml:"required"`
}

type mapperFile struct {
	Name        string                       `yaml:"name"`
	Description string                       `yaml:"description"`
	Lookups     map[string]map[string]string `yaml:"lookups"`
	Fields      yaml.Node                    `yaml:"fields"`
}

// Parse reads a mapper file and compiles its expressions. name identifies the mapper in
// errors unless the file declares its own name. Every bad field is reported, each as a
// *FieldError.
func Parse(name string, yamlData []byte) (*Mapper, error) {
	dec := yaml.NewDecoder(bytes.NewReader(yamlData))
	dec.KnownFields(true)
	var f mapperFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("mapper %q: %w", name, err)
	}
	if f.Name != "" {
		name = f.Name
	}
	m := &Mapper{Name: name, Description: f.Description, lookups: f.Lookups}
	if f.Fields.Kind != yaml.MappingNode || len(f.Fields.Content) == 0 {
		return nil, fmt.Errorf("mapper %q: fields: want a mapping of target field to source, none found", name)
	}

	var errs []error
	seen := map[string]bool{}
	for i := 0; i+1 < len(f.Fields.Content); i += 2 {
		k, v := f.Fields.Content[i], f.Fields.Content[i+1]
		fld, err := parseField(k, v)
		if err == nil && seen[fld.key] {
			err = fmt.Errorf("line %d: field defined twice", k.Line)
		}
		if err != nil {
			errs = append(errs, &FieldError{Mapper: name, Field: k.Value, Err: err})
			continue
		}
		seen[fld.key] = true
		m.fields = append(m.fields, fld)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	progs, usesDate, err := m.compile("")
	if err != nil {
		return nil, err
	}
	m.progs, m.usesDate = progs, usesDate
	m.vms.New = func() any { return new(vm.VM) }
	return m, nil
}

func parseField(k, v *yaml.Node) (field, error) {
	fld := field{key: k.Value}
	if k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" {
		return fld, fmt.Errorf("line %d: target field name must be a non-empty string", k.Line)
	}
	var spec fieldSpec
	switch v.Kind {
	case yaml.ScalarNode:
		spec.From = v.Value
		if strings.TrimSpace(spec.From) == "" {
			return fld, fmt.Errorf("line %d: source column is empty", v.Line)
		}
	case yaml.MappingNode:
		for i := 0; i < len(v.Content); i += 2 {
			switch key := v.Content[i].Value; key {
			case "from", "expr", "type", "required":
			default:
				return fld, fmt.Errorf("line %d: unknown key %q (want from, expr, type, required)", v.Content[i].Line, key)
			}
		}
		if err := v.Decode(&spec); err != nil {
			return fld, err
		}
	default:
		return fld, fmt.Errorf("line %d: want a column name or {from|expr, type, required}", v.Line)
	}

	if (spec.From == "") == (strings.TrimSpace(spec.Expr) == "") {
		return fld, fmt.Errorf("line %d: want exactly one of from and expr", v.Line)
	}
	switch t := fieldType(strings.ToLower(spec.Type)); t {
	case typeString, "string":
		fld.typ = typeString
	case typeDate, typeBool:
		fld.typ = t
	default:
		return fld, fmt.Errorf("line %d: unknown type %q (want string, date or bool)", v.Line, spec.Type)
	}
	fld.from, fld.expr, fld.required = spec.From, spec.Expr, spec.Required
	if fld.from != "" {
		fld.reads = []string{fld.from}
	}
	return fld, nil
}

// Reads returns the names field key's value may depend on: its from column, or every variable
// its expression names and every key it reads out of one (row["Email"], rdn.department),
// sorted. It may name more than the value depends on, never less: readsAny is true when the
// expression reads a key it computes (row[concat("A", b)]), which may be any name.
func (m *Mapper) Reads(key string) (names []string, readsAny bool) {
	for _, f := range m.fields {
		if f.key == key {
			return f.reads, f.readsAny
		}
	}
	return nil, false
}

// Fields returns the target field keys in file order.
func (m *Mapper) Fields() []string {
	keys := make([]string, len(m.fields))
	for i, f := range m.fields {
		keys[i] = f.key
	}
	return keys
}

// programs returns the compiled programs for a source date layout.
func (m *Mapper) programs(layout string) ([]*vm.Program, error) {
	if !m.usesDate || layout == "" {
		return m.progs, nil
	}
	if p, ok := m.byLayout.Load(layout); ok {
		return p.([]*vm.Program), nil
	}
	progs, _, err := m.compile(layout)
	if err != nil {
		return nil, err
	}
	p, _ := m.byLayout.LoadOrStore(layout, progs)
	return p.([]*vm.Program), nil
}

// FieldError is a failure to compile or map one field. Row is the source row number,
// 0 when unknown or at parse time.
type FieldError struct {
	Mapper string
	Field  string
	Row    int
	Err    error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mapper %q", e.Mapper)
	if e.Row > 0 {
		fmt.Fprintf(&b, ", row %d", e.Row)
	}
	fmt.Fprintf(&b, ", field %q: %v", e.Field, e.Err)
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// ErrRequired is the error of a required field whose value is empty.
var ErrRequired = errors.New("required value is empty")
