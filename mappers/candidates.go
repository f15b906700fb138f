package mappers

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// candidates(first, middle, last) is the expression function that proposes account names
// for a person: first.last, then first.m.last when there is a middle name. Each part is
// transliterated (Transliterate) and kept to letters, digits and inner hyphens
// ("Jean-Luc" → jean-luc, "O'Brien" → obrien, "van der Berg" → vanderberg). It returns nil,
// for a ?? fallback, when the first or last name is missing or has letters no table
// spells.
func candidates(p ...any) (any, error) {
	first, okF := namePart(text(p[0]))
	middle, okM := namePart(text(p[1]))
	last, okL := namePart(text(p[2]))
	if !okF || !okM || !okL || first == "" || last == "" {
		return nil, nil
	}
	out := []any{first + "." + last}
	if middle != "" {
		out = append(out, first+"."+middle[:1]+"."+last)
	}
	return out, nil
}

// namePart is one part of a name as an account name holds it; ok is false when the part
// has letters no table spells.
func namePart(s string) (string, bool) {
	t, ok := Transliterate(s)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for _, r := range t {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' && b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteRune(r)
		}
	}
	return strings.TrimSuffix(b.String(), "-"), true
}

// MaxCounter is the largest counter AccountNames appends to the first candidate.
const MaxCounter = 99

// AccountNames turns what a unique-names mapper gives (a list of texts) into the account
// names to try, in order: each candidate the mapper lists, then the first one with a
// counter, 2 to MaxCounter (jane.roe, jane.m.roe, jane.roe2, jane.roe3, …).
//
// Each candidate is transliterated, lower-cased and kept to a-z, 0-9, '.', '-' and '_'
// (anything else is dropped, as are dots and hyphens at either end); a candidate with
// letters no table spells, or nothing left, is left out. Names are at most maxLen
// characters: a longer one is cut at maxLen, and before a counter the name is cut so that
// it and the counter fit (a 20-character name with counter 2 keeps 19 characters, then
// "2"), dots and hyphens the cut leaves at the end dropped. An error says why nothing is
// left to try.
func AccountNames(v any, maxLen int) ([]string, error) {
	list := reflect.ValueOf(v)
	if v == nil || (list.Kind() != reflect.Slice && list.Kind() != reflect.Array) {
		return nil, fmt.Errorf("want a list of candidate names, got %T", v)
	}
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for i := range list.Len() {
		add(cut(accountName(text(list.Index(i).Interface())), maxLen))
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no usable candidate name in %v", v)
	}
	first := names[0]
	for c := 2; c <= MaxCounter; c++ {
		n := strconv.Itoa(c)
		if maxLen <= len(n) {
			break
		}
		add(cut(first, maxLen-len(n)) + n)
	}
	return names, nil
}

// accountName is s as an account name: "" when it has letters no table spells.
func accountName(s string) string {
	t, ok := Transliterate(strings.TrimSpace(s))
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, r := range t {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	return strings.Trim(b.String(), ".-")
}

// cut shortens an ASCII name to at most n characters, dropping dots and hyphens the cut
// leaves at the end.
func cut(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.TrimRight(s, ".-")
}
