package okta

import (
	"fmt"
	"strconv"
	"strings"
)

// filter is a compiled SCIM filter expression (RFC 7644 §3.4.2.2 without the [ ] value
// paths, which Okta does not support): attrPath op value, pr, and, or, not (…), and
// parentheses. Parse once per request, then match many.
type filter struct {
	match func(get func(attr string) []any) bool
}

// filterError is a parse error; its text is what Okta puts after "Invalid filter '…': ".
type filterError struct{ msg string }

func (e *filterError) Error() string { return e.msg }

type token struct {
	kind byte // 'w' word, 's' string, '(' , ')', 'e' end
	text string
	pos  int
}

type parser struct {
	toks    []token
	i       int
	allowed func(string) bool
}

// parseFilter compiles expr; allowed says which attribute names may be used.
func parseFilter(expr string, allowed func(string) bool) (*filter, error) {
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, allowed: allowed}
	m, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != 'e' {
		return nil, &filterError{fmt.Sprintf("Unexpected token '%s' at position %d", t.text, t.pos)}
	}
	return &filter{match: m}, nil
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')':
			toks = append(toks, token{kind: c, text: string(c), pos: i})
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, &filterError{fmt.Sprintf("Unterminated string at position %d", i)}
			}
			toks = append(toks, token{kind: 's', text: b.String(), pos: i})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t()\"", rune(s[j])) {
				j++
			}
			toks = append(toks, token{kind: 'w', text: s[i:j], pos: i})
			i = j
		}
	}
	return append(toks, token{kind: 'e', pos: len(s)}), nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i = min(p.i+1, len(p.toks)-1); return t }

func (p *parser) keyword(k string) bool {
	if t := p.peek(); t.kind == 'w' && strings.EqualFold(t.text, k) {
		p.next()
		return true
	}
	return false
}

type matcher = func(get func(string) []any) bool

func (p *parser) or() (matcher, error) {
	l, err := p.and()
	for err == nil && p.keyword("or") {
		var r matcher
		if r, err = p.and(); err == nil {
			a, b := l, r
			l = func(g func(string) []any) bool { return a(g) || b(g) }
		}
	}
	return l, err
}

func (p *parser) and() (matcher, error) {
	l, err := p.unary()
	for err == nil && p.keyword("and") {
		var r matcher
		if r, err = p.unary(); err == nil {
			a, b := l, r
			l = func(g func(string) []any) bool { return a(g) && b(g) }
		}
	}
	return l, err
}

func (p *parser) unary() (matcher, error) {
	if t := p.peek(); t.kind == 'w' && strings.EqualFold(t.text, "not") && p.toks[p.i+1].kind == '(' {
		p.next()
		m, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(g func(string) []any) bool { return !m(g) }, nil
	}
	if p.peek().kind == '(' {
		open := p.next()
		m, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next().kind != ')' {
			return nil, &filterError{fmt.Sprintf("No closing parenthesis for the one at position %d", open.pos)}
		}
		return m, nil
	}
	return p.comparison()
}

var operators = map[string]bool{"eq": true, "ne": true, "co": true, "sw": true, "ew": true,
	"pr": true, "gt": true, "ge": true, "lt": true, "le": true}

func (p *parser) comparison() (matcher, error) {
	at := p.next()
	if at.kind != 'w' {
		if at.kind == 'e' {
			return nil, &filterError{"Unexpected end of filter string"}
		}
		return nil, &filterError{fmt.Sprintf("Unexpected token '%s' at position %d", at.text, at.pos)}
	}
	opTok := p.next()
	op := strings.ToLower(opTok.text)
	if opTok.kind != 'w' || !operators[op] {
		if opTok.kind == 'e' {
			return nil, &filterError{"Unexpected end of filter string"}
		}
		return nil, &filterError{fmt.Sprintf("Unrecognized attribute operator '%s' at position %d. Expected: eq,co,sw,pr,gt,ge,lt,le", opTok.text, opTok.pos)}
	}
	if !p.allowed(at.text) {
		return nil, &filterError{"field is not valid: " + at.text}
	}
	attr := at.text
	if op == "pr" {
		return func(g func(string) []any) bool {
			for _, v := range g(attr) {
				if v != nil && v != "" {
					return true
				}
			}
			return false
		}, nil
	}
	vt := p.next()
	var want any
	switch {
	case vt.kind == 's':
		want = vt.text
	case vt.kind == 'w' && (vt.text == "true" || vt.text == "false"):
		want = vt.text == "true"
	case vt.kind == 'w' && vt.text == "null":
		want = nil
	case vt.kind == 'w':
		f, err := strconv.ParseFloat(vt.text, 64)
		if err != nil {
			return nil, &filterError{fmt.Sprintf("Invalid value '%s' at position %d", vt.text, vt.pos)}
		}
		want = f
	default:
		return nil, &filterError{fmt.Sprintf("Expected a value at position %d", vt.pos)}
	}
	cmpOne := compareFunc(op, want)
	if op == "ne" {
		eq := compareFunc("eq", want)
		return func(g func(string) []any) bool { return !anyOf(g(attr), eq, want == nil) }, nil
	}
	return func(g func(string) []any) bool { return anyOf(g(attr), cmpOne, want == nil && op == "eq") }, nil
}

// anyOf says whether some value satisfies f; an absent attribute equals null.
func anyOf(vals []any, f func(any) bool, absentMatches bool) bool {
	if len(vals) == 0 {
		return absentMatches
	}
	for _, v := range vals {
		if f(v) {
			return true
		}
	}
	return false
}

// compareFunc compares one actual value to want. Strings compare case-insensitively,
// as SCIM does for attributes that are not caseExact.
func compareFunc(op string, want any) func(any) bool {
	return func(v any) bool {
		if want == nil {
			return v == nil
		}
		switch w := want.(type) {
		case string:
			s, ok := v.(string)
			if !ok {
				s = fmt.Sprint(v)
			}
			a, b := strings.ToLower(s), strings.ToLower(w)
			switch op {
			case "eq":
				return a == b
			case "co":
				return strings.Contains(a, b)
			case "sw":
				return strings.HasPrefix(a, b)
			case "ew":
				return strings.HasSuffix(a, b)
			case "gt":
				return a > b
			case "ge":
				return a >= b
			case "lt":
				return a < b
			case "le":
				return a <= b
			}
		case bool:
			b, ok := v.(bool)
			return ok && op == "eq" && b == w
		case float64:
			var f float64
			switch n := v.(type) {
			case float64:
				f = n
			case int:
				f = float64(n)
			default:
				return false
			}
			switch op {
			case "eq":
				return f == w
			case "gt":
				return f > w
			case "ge":
				return f >= w
			case "lt":
				return f < w
			case "le":
				return f <= w
			}
		}
		return false
	}
}
