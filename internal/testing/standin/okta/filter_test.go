package okta

import "testing"

func TestFilter(t *testing.T) {
	ev := LogEvent{
		"eventType": "application.user_membership.add",
		"severity":  "INFO",
		"outcome":   map[string]any{"result": "SUCCESS", "reason": nil},
		"target": []any{
			map[string]any{"id": "0ua1", "type": "AppUser"},
			map[string]any{"id": "0oa1", "type": "AppInstance", "alternateId": "GitHub"},
			map[string]any{"id": "00u1", "type": "User"},
		},
	}
	tests := []struct {
		expr string
		want bool
	}{
		{`eventType eq "application.user_membership.add"`, true},
		{`eventType EQ "APPLICATION.USER_MEMBERSHIP.ADD"`, true},
		{`eventType ne "application.user_membership.add"`, false},
		{`target.id eq "00u1"`, true}, // any target
		{`target.id eq "00u2"`, false},
		{`target.id ne "00u2"`, true},
		{`eventType sw "application."`, true},
		{`eventType ew ".add"`, true},
		{`eventType co "membership"`, true},
		{`target.alternateId pr`, true},
		{`actor.id pr`, false},
		{`outcome.reason eq null`, true},
		{`severity gt "DEBUG" and severity lt "WARN"`, true},
		{`eventType eq "x" or target.type eq "AppInstance"`, true},
		{`eventType eq "x" or (target.type eq "AppInstance" and outcome.result eq "FAILURE")`, false},
		{`not (eventType eq "x")`, true},
		{`not(eventType eq "application.user_membership.add") or severity eq "INFO"`, true},
		{`eventType eq "a \"quoted\" value"`, false},
	}
	for _, tc := range tests {
		f, err := parseFilter(tc.expr, logAttr)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got := f.match(eventGetter(ev)); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.expr, got, tc.want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`display_message eqq "Create okta user"`, "Unrecognized attribute operator 'eqq' at position 16. Expected: eq,co,sw,pr,gt,ge,lt,le"},
		{`eventType eqq "x"`, "Unrecognized attribute operator 'eqq' at position 10. Expected: eq,co,sw,pr,gt,ge,lt,le"},
		{`eventType eq "x" and target.id xx "y"`, "Unrecognized attribute operator 'xx' at position 31. Expected: eq,co,sw,pr,gt,ge,lt,le"},
		{`published gt "2024-01-01T00:00:00Z"`, "field is not valid: published"},
		{`eventType eq`, "Expected a value at position 12"},
		{`eventType eq "x`, "Unterminated string at position 13"},
		{`(eventType eq "x"`, "No closing parenthesis for the one at position 0"},
		{`eventType eq "x" "y"`, `Unexpected token 'y' at position 17`},
		{``, "Unexpected end of filter string"},
	}
	for _, tc := range tests {
		_, err := parseFilter(tc.expr, logAttr)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: %v, want %q", tc.expr, err, tc.want)
		}
	}
}
