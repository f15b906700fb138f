package mappers

import (
	"errors"
	"fmt"
	"sort"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/vm"
)

// compile compiles every expression field for a source date layout. The source row
// itself is the expression environment, typed map[string]any: expr then loads a column
// named as an identifier with a plain map lookup (nil when missing), so running an
// expression costs no per-row environment.
func (m *Mapper) compile(layout string) (progs []*vm.Program, usesDate bool, err error) {
	fns := functions(layout, m.lookups)
	known := conf.CreateNew()
	for _, o := range fns {
		o(known)
	}
	progs = make([]*vm.Program, len(m.fields))
	var errs []error
	for i, f := range m.fields {
		if f.expr == "" {
			continue
		}
		p := &patcher{lookups: m.lookups, functions: known.Functions}
		opts := append([]expr.Option{
			expr.Env(map[string]any{}),
			expr.AllowUndefinedVariables(),
			expr.Patch(p),
		}, fns...)
		prog, cerr := expr.Compile(f.expr, opts...)
		if cerr == nil {
			cerr = errors.Join(p.errs...)
		}
		if cerr != nil {
			errs = append(errs, &FieldError{Mapper: m.Name, Field: f.key, Err: fmt.Errorf("expression %q: %w", f.expr, cerr)})
			continue
		}
		progs[i] = prog
		usesDate = usesDate || p.usesDate
		if m.fields[i].reads == nil {
			m.fields[i].reads, m.fields[i].readsAny = p.readNames(), p.readsAny
		}
	}
	if len(errs) > 0 {
		return nil, false, errors.Join(errs...)
	}
	return progs, usesDate, nil
}

// patcher rewrites the identifier row into expr's $env (the row map), checks that calls
// name a known function and that lookup() names a table the file defines, and notes
// calls to date(). Undefined variables must stay allowed for missing columns, which
// would also let an unknown function through to fail on every row.
type patcher struct {
	lookups   map[string]map[string]string
	functions conf.FunctionsTable
	usesDate  bool
	errs      []error
	// reads collects the variables the expression names and the constant keys it reads
	// out of a map (row["Email"], rdn.department); readsAny says it reads a key it
	// computes, which may be any.
	reads    map[string]bool
	readsAny bool
}

func (p *patcher) read(name string) {
	if p.reads == nil {
		p.reads = map[string]bool{}
	}
	p.reads[name] = true
}

// readNames returns what the expression reads, functions left out.
func (p *patcher) readNames() []string {
	names := []string{}
	for name := range p.reads {
		if _, fn := p.functions[name]; !fn && name != "$env" && name != "row" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func (p *patcher) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		p.read(n.Value)
		if n.Value == "row" {
			ast.Patch(node, &ast.IdentifierNode{Value: "$env"})
		}
	case *ast.MemberNode:
		switch prop := n.Property.(type) {
		case *ast.StringNode:
			p.read(prop.Value)
		case *ast.IntegerNode: // a list index
		default:
			// row[someExpression]: any field may be read.
			p.readsAny = true
		}
	case *ast.CallNode:
		callee, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return
		}
		if _, ok := p.functions[callee.Value]; !ok {
			p.errs = append(p.errs, fmt.Errorf("unknown function %s", callee.Value))
			return
		}
		switch callee.Value {
		case "date":
			p.usesDate = true
		case "lookup":
			if len(n.Arguments) == 0 {
				return
			}
			if s, ok := n.Arguments[0].(*ast.StringNode); ok {
				if _, ok := p.lookups[s.Value]; !ok {
					p.errs = append(p.errs, fmt.Errorf("lookup table %q is not defined under lookups", s.Value))
				}
			}
		}
	}
}
