package mappers

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/vm"
	"github.com/ilm-dev/ilm/profile"
)

// Condition is a boolean expression over a profile's fields, in the mapper language: field
// keys are variables (`employeetype != "Contractor"`), and the mapper functions are there.
// It is compiled once and safe for concurrent use.
type Condition struct {
	source string
	prog   *vm.Program
	// fields are the field keys the expression reads, sorted. Every one must be in the
	// profile: a missing field is an evaluation error, never a false.
	fields []string
}

// CompileCondition compiles a condition. It fails on a syntax error, an unknown function, or
// an expression that can never be a bool.
func CompileCondition(source string) (*Condition, error) {
	fns := functions("", nil)
	known := conf.CreateNew()
	for _, o := range fns {
		o(known)
	}
	p := &patcher{functions: known.Functions}
	reads := &fieldReads{names: map[string]bool{}, skip: map[string]bool{}}
	opts := append([]expr.Option{
		expr.Env(map[string]any{}),
		expr.AllowUndefinedVariables(),
		expr.Patch(reads),
		expr.Patch(p),
	}, fns...)
	prog, err := expr.Compile(source, opts...)
	if err == nil {
		err = errors.Join(p.errs...)
	}
	if err == nil {
		// A result of unknown type (a field's value, any) is checked when evaluated.
		if t := prog.Node().Type(); t != nil && t.Kind() != reflect.Bool && t.Kind() != reflect.Interface {
			err = fmt.Errorf("expected bool, but got %s", t)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("expression %q: %w", source, exprError(err))
	}
	c := &Condition{source: source, prog: prog}
	for name := range reads.names {
		if !reads.skip[name] {
			c.fields = append(c.fields, name)
		}
	}
	slices.Sort(c.fields)
	return c, nil
}

// String is the expression as written.
func (c *Condition) String() string { return c.source }

// Eval evaluates the condition on a profile's fields. A field the expression reads that the
// profile lacks (or holds empty) is an error, as is a result that is not a bool: neither may
// pass for false.
func (c *Condition) Eval(fields profile.Fields) (bool, error) {
	env := make(map[string]any, len(c.fields))
	for _, k := range c.fields {
		v := fields.Get(k)
		if v == "" {
			return false, fmt.Errorf("expression %q: field %s is missing", c.source, k)
		}
		env[k] = v
	}
	out, err := expr.Run(c.prog, env)
	if err != nil {
		return false, fmt.Errorf("expression %q: %w", c.source, exprError(err))
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("expression %q: result %v is not a bool", c.source, out)
	}
	return b, nil
}

// fieldReads collects the names an expression reads as variables, and (skip) the names it
// calls or declares, which are no fields. row["key"] reads the field key too.
type fieldReads struct {
	names map[string]bool
	skip  map[string]bool
}

func (r *fieldReads) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if n.Value != "row" && n.Value != "$env" {
			r.names[n.Value] = true
		}
	case *ast.CallNode:
		if callee, ok := n.Callee.(*ast.IdentifierNode); ok {
			r.skip[callee.Value] = true
		}
	case *ast.VariableDeclaratorNode:
		r.skip[n.Name] = true
	case *ast.MemberNode:
		if id, ok := n.Node.(*ast.IdentifierNode); ok && (id.Value == "row" || id.Value == "$env") {
			if s, ok := n.Property.(*ast.StringNode); ok {
				r.names[s.Value] = true
			}
		}
	}
}
