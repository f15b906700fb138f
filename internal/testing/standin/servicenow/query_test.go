package servicenow

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitCarets(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"a=1", []string{"a=1"}},
		{"a=1^b=2", []string{"a=1", "b=2"}},
		{"a=x^^y^b=2", []string{"a=x^y", "b=2"}},
		{"a=x^^^b=2", []string{"a=x^", "b=2"}},
		{"a=x^^^^y", []string{"a=x^^y"}},
		{"", []string{""}},
	} {
		assert.Equal(t, tc.want, splitCarets(tc.in), tc.in)
	}
}

func TestParseQuery(t *testing.T) {
	q := parseQuery("active=true^user_nameSTARTSWITHada^ORemail=x@example.com^NQu_badge_number=7^ORDERBYDESCuser_name^ORDERBYemail")
	assert.Equal(t, [][]term{
		{
			{{field: "active", op: "=", value: "true"}},
			{{field: "user_name", op: "STARTSWITH", value: "ada"}, {field: "email", op: "=", value: "x@example.com"}},
		},
		{{{field: "u_badge_number", op: "=", value: "7"}}},
	}, q.groups)
	assert.Equal(t, []orderBy{{field: "user_name", desc: true}, {field: "email"}}, q.order)
}

func TestQueryMatch(t *testing.T) {
	ada := map[string]string{"user_name": "Ada.Lovelace", "email": "ada^x@example.com", "active": "true", "title": ""}
	for _, tc := range []struct {
		query string
		want  bool
	}{
		{"", true},
		{"user_name=ada.lovelace", true}, // the database compares case-insensitively
		{"user_name!=ada.lovelace", false},
		{"email=ada^^x@example.com", true},
		{"email=ada^x@example.com", false}, // email=ada AND an unreadable condition
		{"active=true^user_name=bob", false},
		{"active=false^ORuser_name=ada.lovelace", true},
		{"user_name=bob^NQemail=ada^^x@example.com", true},
		{"user_nameLIKElove", true},
		{"user_nameNOTLIKElove", false},
		{"user_nameSTARTSWITHada", true},
		{"emailENDSWITH@example.com", true},
		{"user_nameINbob,ada.lovelace", true},
		{"user_nameNOT INbob,ada.lovelace", false},
		{"titleISEMPTY", true},
		{"titleISNOTEMPTY", false},
		{"u_badge_numberISEMPTY", true}, // any field, custom ones included
		{"user_name~ada", false},        // an unknown operator matches nothing
		{"ORDERBYuser_name", true},
		{"active=true^EQ", true},
	} {
		assert.Equal(t, tc.want, parseQuery(tc.query).match(ada), tc.query)
	}
}

func TestQuerySort(t *testing.T) {
	rows := []map[string]string{
		{"user_name": "b", "city": "x"}, {"user_name": "C", "city": "y"}, {"user_name": "a", "city": "x"},
	}
	parseQuery("ORDERBYcity^ORDERBYDESCuser_name").sort(rows)
	var got []string
	for _, r := range rows {
		got = append(got, r["user_name"])
	}
	assert.Equal(t, []string{"b", "a", "C"}, got)
}
