package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReviewRoster(t *testing.T) {
	cfg, err := Parse([]byte(`
provisioning:
  review:
    role: identity-ops
    method: round-robin
    roster:
      - {role: identity-ops, username: alice, email: alice@example.com, on_call: true}
      - {role: identity-ops, username: bob}
      - {role: hr, username: alice}
`))
	require.NoError(t, err)
	assert.Equal(t, []Reviewer{
		{Role: "identity-ops", Username: "alice", Email: "alice@example.com", OnCall: true},
		{Role: "identity-ops", Username: "bob"},
		{Role: "hr", Username: "alice"},
	}, cfg.Provisioning.Review.Roster)
}

func TestRosterErrorsNameTheEntryAndKey(t *testing.T) {
	assertParseErrors(t, map[string]struct{ doc, want string }{
		"unknown key": {`provisioning: {review: {roster: [{role: hr, username: a}, {role: hr, username: b, oncall: true}]}}`,
			`provisioning.review.roster[1]: unknown key "oncall"`},
		"no username": {`provisioning: {review: {roster: [{role: hr}]}}`, `provisioning.review.roster[0].username: required`},
		"no role":     {`provisioning: {review: {roster: [{username: a}]}}`, `provisioning.review.roster[0].role: required`},
		"twice": {`provisioning: {review: {roster: [{role: hr, username: a}, {role: hr, username: a}]}}`,
			`provisioning.review.roster[1].username: "a" is already provisioning.review.roster[0] of role "hr"`},
		"bad email": {`provisioning: {review: {roster: [{role: hr, username: a, email: a.example.com}]}}`,
			`provisioning.review.roster[0].email`},
		"role not on the roster": {`provisioning: {review: {role: ops, roster: [{role: hr, username: a}]}}`,
			`provisioning.review.role: no entry of provisioning.review.roster has role "ops"`},
	})
}

func TestParseRosterFile(t *testing.T) {
	want := []Reviewer{{Role: "hr", Username: "alice", Email: "alice@example.com", OnCall: true}, {Role: "hr", Username: "bob"}}
	for name, doc := range map[string]string{
		"roster.json": `[{"role": "hr", "username": "alice", "email": "alice@example.com", "on_call": true}, {"role": "hr", "username": "bob"}]`,
		"roster.yaml": "- {role: hr, username: alice, email: alice@example.com, on_call: true}\n- role: hr\n  username: bob\n",
	} {
		got, err := ParseRoster(name, []byte(doc))
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}

	for doc, wantErr := range map[string]string{
		`{"role": "hr"}`: `roster.json: want a list`,
		`[{"role": "hr", "username": "a"}, {"role": "hr", "user": "b"}]`: `roster.json[1]: unknown key "user"`,
		`[{"role": "hr", "username": "a", "on_call": "sometimes"}]`:      `roster.json[0]: `,
		`[{"role": "hr"}, {"username": "b"}]`:                            "roster.json[0].username: required\nroster.json[1].role: required",
	} {
		_, err := ParseRoster("roster.json", []byte(doc))
		require.Error(t, err, doc)
		assert.Contains(t, err.Error(), wantErr, doc)
	}
}
