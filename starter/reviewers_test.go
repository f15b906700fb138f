package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
)

func TestReviewersSetAndList(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`
provisioning:
  review:
    role: hr
    method: round-robin
    roster:
      - {role: hr, username: alice, email: alice@example.com, on_call: true}
      - {role: hr, username: bob, email: bob@example.com}
`), 0o644))
	dsn := "sqlite:" + filepath.Join(dir, "ilm.db")
	reviewers := func(args ...string) (int, string, string) {
		return ilm(append(append([]string{"reviewers"}, args...), "--config", cfg, "--store", dsn)...)
	}

	code, _, errOut := reviewers("set")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "roster of hr: alice, bob\n", errOut, "without a file: the config's roster")

	// bob gets a review, then the operator replaces the hr roster and adds an it one.
	st, err := store.Open(t.Context(), dsn)
	require.NoError(t, err)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	_, err = st.AssignReviewer(t.Context(), store.Assignment{ReviewID: "run#1", Role: "hr", At: at},
		func([]store.Reviewer) int { return 1 })
	require.NoError(t, err)
	require.NoError(t, st.Close())
	file := filepath.Join(dir, "roster.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`
- {role: hr, username: carol, email: carol@example.com}
- {role: hr, username: bob, email: bob@example.com, on_call: true}
- {role: it, username: dan}
`), 0o644))
	code, _, errOut = reviewers("set", "--file", file)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "roster of hr: carol, bob\nroster of it: dan\n", errOut)

	code, out, errOut := reviewers("list")
	require.Equal(t, exitOK, code, errOut)
	var got []rosterEntry
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, []rosterEntry{
		{Role: "hr", Username: "bob", Email: "bob@example.com", OnCall: true, OpenAssignments: 1, LastAssignedAt: &at},
		{Role: "hr", Username: "carol", Email: "carol@example.com"},
	}, got, "bob keeps his open review; alice left")
	code, out, errOut = reviewers("list", "--role", "it")
	require.Equal(t, exitOK, code, errOut)
	assert.JSONEq(t, `[{"role": "it", "username": "dan", "on_call": false, "open_assignments": 0}]`, out)

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[{"role": "hr", "username": "erin"}, {"role": "hr", "oncall": true}]`), 0o644))
	code, _, errOut = reviewers("set", "--file", bad)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, bad+`[1]: unknown key "oncall"`)
	require.NoError(t, os.WriteFile(bad, []byte(`[{"role": "hr", "username": "erin"}, {"role": "hr"}]`), 0o644))
	code, _, errOut = reviewers("set", "--file", bad)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, bad+`[1].username: required`)
	code, out, _ = reviewers("list")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "carol", "a bad file changes nothing")
	assert.NotContains(t, out, "erin")

	code, _, _ = reviewers("get")
	assert.Equal(t, exitUsage, code)
}
