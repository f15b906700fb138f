package mappers

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ilm-dev/ilm/profile"
)

func TestConditionEval(t *testing.T) {
	for _, tc := range []struct {
		expr   string
		fields profile.Fields
		want   bool
	}{
		{`employeetype != "Contractor"`, profile.Fields{"employeetype": "Employee"}, true},
		{`employeetype != "Contractor"`, profile.Fields{"employeetype": "Contractor"}, false},
		{`lower(department) in ["sales", "it"] && employeetype == "Employee"`, profile.Fields{"department": "IT", "employeetype": "Employee"}, true},
		{`row["costcenter"] startsWith "CC1"`, profile.Fields{"costcenter": "CC100"}, true},
		{`let d = lower(department); d == "sales"`, profile.Fields{"department": "Sales"}, true},
	} {
		c, err := CompileCondition(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		got, err := c.Eval(tc.fields)
		if err != nil || got != tc.want {
			t.Errorf("%s on %v = %v, %v; want %v", tc.expr, tc.fields, got, err, tc.want)
		}
	}
}

// A field the expression reads that the profile lacks is an error, never a false: a scope
// must not read a malformed profile as "out of scope".
func TestConditionMissingFieldIsAnError(t *testing.T) {
	for _, src := range []string{`employeetype != "Contractor"`, `row["employeetype"] != "Contractor"`, `coalesce(employeetype, "x") == "x"`} {
		c, err := CompileCondition(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Eval(profile.Fields{"department": "Sales"})
		if err == nil || !strings.Contains(err.Error(), "field employeetype is missing") || !strings.Contains(err.Error(), strconv.Quote(src)) {
			t.Errorf("%s: got %v, %v; want an error naming the field and the expression", src, got, err)
		}
	}
}

func TestCompileConditionRefuses(t *testing.T) {
	for src, want := range map[string]string{
		`employeetype ==`:            "unexpected token",
		`"Contractor"`:               "expected bool",
		`concat(employeetype, "x")`:  "expected bool",
		`nosuch(employeetype) == ""`: "unknown function nosuch",
	} {
		_, err := CompileCondition(src)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), strconv.Quote(src)) {
			t.Errorf("%s: got %v, want an error containing %q and the expression", src, err, want)
		}
	}
}

// A result whose type is known only at run time (a field is any string) is checked then.
func TestConditionNonBoolResultAtRunTime(t *testing.T) {
	c, err := CompileCondition(`employeetype`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Eval(profile.Fields{"employeetype": "Employee"}); err == nil || !strings.Contains(err.Error(), "is not a bool") {
		t.Errorf("got %v, want a non-bool error", err)
	}
}
