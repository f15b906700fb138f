package servicenow

import (
	"sort"
	"strings"
)

// query is a parsed sysparm_query (an "encoded query"). Conditions are joined by ^ (AND);
// ^OR makes a condition an alternative of the one before it, and ^NQ starts a new query
// whose rows are added to the first's. ^^ is a literal caret inside a value.
type query struct {
	groups [][]term // OR of groups; a group is an AND of terms
	order  []orderBy
}

// term is an OR of conditions.
type term []cond

type cond struct {
	field, op, value string
}

type orderBy struct {
	field string
	desc  bool
}

// operators in the order they are tried after a field name (a longer one before its prefix).
var operators = []string{"!=", "=", "ISNOTEMPTY", "ISEMPTY", "NOTLIKE", "LIKE", "STARTSWITH", "ENDSWITH", "NOT IN", "IN"}

// opInvalid marks a condition the stand-in cannot read. It matches no row, as on instances
// with glide.invalid_query.returns_no_rows set (the default on current releases).
const opInvalid = "invalid"

func parseQuery(s string) query {
	var q query
	var group []term
	for _, seg := range splitCarets(s) {
		switch {
		case seg == "" || seg == "EQ":
		case strings.HasPrefix(seg, "NQ"):
			if len(group) > 0 {
				q.groups = append(q.groups, group)
			}
			group = []term{{parseCond(seg[2:])}}
		case strings.HasPrefix(seg, "ORDERBYDESC"):
			q.order = append(q.order, orderBy{field: seg[len("ORDERBYDESC"):], desc: true})
		case strings.HasPrefix(seg, "ORDERBY"):
			q.order = append(q.order, orderBy{field: seg[len("ORDERBY"):]})
		case strings.HasPrefix(seg, "OR") && len(group) > 0:
			group[len(group)-1] = append(group[len(group)-1], parseCond(seg[2:]))
		default:
			group = append(group, term{parseCond(seg)})
		}
	}
	if len(group) > 0 {
		q.groups = append(q.groups, group)
	}
	return q
}

// splitCarets splits an encoded query at each single ^, reading ^^ as a literal caret.
func splitCarets(s string) []string {
	var segs []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '^' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '^' {
			b.WriteByte('^')
			i++
			continue
		}
		segs = append(segs, b.String())
		b.Reset()
	}
	return append(segs, b.String())
}

// parseCond reads field, operator and value; field names are lower-case, so an
// upper-case operator ends them.
func parseCond(seg string) cond {
	i := 0
	for i < len(seg) && (seg[i] >= 'a' && seg[i] <= 'z' || seg[i] >= '0' && seg[i] <= '9' || seg[i] == '_' || seg[i] == '.') {
		i++
	}
	field, rest := seg[:i], seg[i:]
	for _, op := range operators {
		if v, ok := strings.CutPrefix(rest, op); ok && field != "" {
			return cond{field: field, op: op, value: v}
		}
	}
	return cond{field: field, op: opInvalid, value: rest}
}

// match says whether u satisfies the query; an empty query matches every row.
func (q query) match(u map[string]string) bool {
	if len(q.groups) == 0 {
		return true
	}
	for _, g := range q.groups {
		if matchGroup(g, u) {
			return true
		}
	}
	return false
}

// matchGroup says whether u satisfies every term of g.
func matchGroup(g []term, u map[string]string) bool {
	for _, t := range g {
		if !t.match(u) {
			return false
		}
	}
	return true
}

func (t term) match(u map[string]string) bool {
	for _, c := range t {
		if c.match(u) {
			return true
		}
	}
	return false
}

// match compares case-insensitively, as the instance's database collation does.
func (c cond) match(u map[string]string) bool {
	have, want := strings.ToLower(u[c.field]), strings.ToLower(c.value)
	switch c.op {
	case "=":
		return have == want
	case "!=":
		return have != want
	case "ISEMPTY":
		return have == ""
	case "ISNOTEMPTY":
		return have != ""
	case "LIKE":
		return strings.Contains(have, want)
	case "NOTLIKE":
		return !strings.Contains(have, want)
	case "STARTSWITH":
		return strings.HasPrefix(have, want)
	case "ENDSWITH":
		return strings.HasSuffix(have, want)
	case "IN", "NOT IN":
		in := false
		for _, v := range strings.Split(want, ",") {
			in = in || v == have
		}
		return in == (c.op == "IN")
	}
	return false
}

// sort orders rows by the ORDERBY fields, keeping creation order among equals.
func (q query) sort(rows []map[string]string) {
	if len(q.order) == 0 {
		return
	}
	sort.SliceStable(rows, func(i, j int) bool {
		for _, o := range q.order {
			a, b := strings.ToLower(rows[i][o.field]), strings.ToLower(rows[j][o.field])
			if a == b {
				continue
			}
			return (a < b) != o.desc
		}
		return false
	})
}
