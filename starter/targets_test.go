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

func TestTargetsStatusAndResume(t *testing.T) {
	t.Setenv("TEST_SCIM_TOKEN", "unused")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`
instances:
  - {name: apps, type: scim, base_url: "https://apps.example.com/scim/v2", token_env: TEST_SCIM_TOKEN,
     breaker: {min_calls: 3, window: 5m}}
  - {name: slack, type: scim, base_url: "https://slack.example.com/scim/v2", token_env: TEST_SCIM_TOKEN}
`), 0o644))
	dsn := "sqlite:" + filepath.Join(dir, "ilm.db")
	targets := func(args ...string) (int, string, string) {
		return ilm(append(append([]string{"targets"}, args...), "--config", cfg, "--store", dsn)...)
	}

	// apps fails three times in a row and is paused; slack made one call that worked.
	st, err := store.Open(t.Context(), dsn)
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Microsecond)
	policy := store.BreakerPolicy{MinCalls: 3, FailureRatio: 0.5, Window: 5 * time.Minute, ProbeEvery: time.Minute}
	for range 3 {
		_, err := st.RecordCall(t.Context(), store.CallOutcome{Instance: "apps", Operation: "update", Failed: true,
			Error: "503 Service Unavailable", At: now}, policy)
		require.NoError(t, err)
	}
	_, err = st.RecordCall(t.Context(), store.CallOutcome{Instance: "slack", Operation: "create", At: now}, policy)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	code, out, errOut := targets("status")
	require.Equal(t, exitOK, code, errOut)
	var got []targetState
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	next := now.Add(time.Minute)
	assert.Equal(t, []targetState{
		{Instance: "apps", State: "paused", Failures: 3, Calls: 3, Window: "5m0s", PausedSince: &now, NextProbeAt: &next,
			LastOperation: "update", LastError: "503 Service Unavailable"},
		{Instance: "slack", State: "closed", Calls: 1, Window: "10m0s"},
	}, got)

	code, _, errOut = targets("resume", "apps")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "apps resumed")
	code, _, errOut = targets("resume", "apps")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "apps was not paused")

	code, out, errOut = targets("status")
	require.Equal(t, exitOK, code, errOut)
	got = nil
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, targetState{Instance: "apps", State: "closed", Window: "5m0s", LastOperation: "update",
		LastError: "503 Service Unavailable"}, got[0], "closed, its window cleared, its last error kept")

	code, _, errOut = targets("resume", "ad")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, `no target instance named "ad" in the config (have: apps, slack)`)
	code, _, errOut = targets()
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, targetsUsage)
}
