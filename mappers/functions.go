package mappers

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/ilm-dev/ilm/profile"
)

// functions are the helpers expressions may call (listed in the package doc), for a
// source whose dates are in layout. Several replace expr builtins of the same name so
// that a missing column (nil) reads as "" instead of failing the row.
func functions(layout string, lookups map[string]map[string]string) []expr.Option {
	str1 := new(func(any) string)
	return []expr.Option{
		expr.Function("lower", func(p ...any) (any, error) { return strings.ToLower(text(p[0])), nil }, str1),
		expr.Function("upper", func(p ...any) (any, error) { return strings.ToUpper(text(p[0])), nil }, str1),
		expr.Function("trim", trim, str1, new(func(any, string) string)),
		expr.Function("concat", concat, new(func(...any) string)),
		expr.Function("join", join, new(func(any, string) string)),
		expr.Function("split", split, new(func(any, string) []string)),
		expr.Function("replace", replace, new(func(any, string, string) string)),
		expr.Function("coalesce", coalesce, new(func(...any) any)),
		expr.Function("truncate", func(p ...any) (any, error) { return truncate(text(p[0]), p[1].(int)), nil }, new(func(any, int) string)),
		expr.Function("candidates", candidates, new(func(any, any, any) []any)),
		expr.Function("translit", func(p ...any) (any, error) { t, _ := Transliterate(text(p[0])); return t, nil }, str1),
		expr.Function("localpart", func(p ...any) (any, error) { l, _ := splitEmail(p[0]); return l, nil }, str1),
		expr.Function("domain", func(p ...any) (any, error) { _, d := splitEmail(p[0]); return d, nil }, str1),
		expr.Function("date", func(p ...any) (any, error) {
			out := profile.DateLayout
			if len(p) > 1 {
				out = text(p[1])
			}
			return formatDate(p[0], layout, out)
		}, str1, new(func(any, string) string)),
		expr.Function("formatDate", func(p ...any) (any, error) {
			return formatDate(p[0], text(p[1]), text(p[2]))
		}, new(func(any, string, string) string)),
		expr.Function("lookup", func(p ...any) (any, error) {
			table, ok := lookups[text(p[0])]
			if !ok {
				return nil, fmt.Errorf("lookup table %q is not defined under lookups", text(p[0]))
			}
			if v, ok := table[text(p[1])]; ok {
				return v, nil
			}
			if len(p) > 2 {
				return p[2], nil
			}
			return nil, nil
		}, new(func(string, any) any), new(func(string, any, any) any)),
	}
}

func trim(p ...any) (any, error) {
	if len(p) > 1 {
		return strings.Trim(text(p[0]), text(p[1])), nil
	}
	return strings.TrimSpace(text(p[0])), nil
}

func concat(p ...any) (any, error) {
	var b strings.Builder
	for _, v := range p {
		b.WriteString(text(v))
	}
	return b.String(), nil
}

func join(p ...any) (any, error) {
	if p[0] == nil {
		return "", nil
	}
	list := reflect.ValueOf(p[0])
	if list.Kind() != reflect.Slice && list.Kind() != reflect.Array {
		return nil, fmt.Errorf("join: want a list, got %T", p[0])
	}
	parts := make([]string, list.Len())
	for i := range parts {
		parts[i] = text(list.Index(i).Interface())
	}
	return strings.Join(parts, text(p[1])), nil
}

func split(p ...any) (any, error) {
	s := text(p[0])
	if s == "" {
		return []string{}, nil
	}
	return strings.Split(s, text(p[1])), nil
}

func replace(p ...any) (any, error) {
	return strings.ReplaceAll(text(p[0]), text(p[1]), text(p[2])), nil
}

func coalesce(p ...any) (any, error) {
	for _, v := range p {
		if !isEmpty(v) {
			return v, nil
		}
	}
	return nil, nil
}

// truncate cuts s to at most n characters (not bytes), as directories count them.
func truncate(s string, n int) string {
	if n < 0 {
		n = 0
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// splitEmail splits at the last "@"; a value without one is all local part.
func splitEmail(v any) (local, domain string) {
	s := text(v)
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func formatDate(v any, inLayout, outLayout string) (any, error) {
	t, ok, err := parseDate(v, inLayout)
	if !ok {
		return "", err
	}
	return t.Format(outLayout), nil
}
