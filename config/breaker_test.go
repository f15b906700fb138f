package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBreakerDefaultsAndOverrides(t *testing.T) {
	cfg, err := Parse([]byte(`
instances:
  - {name: apps, type: scim, base_url: "https://apps.example.com/scim/v2", token_env: T}
  - {name: slack, type: scim, base_url: "https://slack.example.com/scim/v2", token_env: T,
     breaker: {min_calls: 5, failure_ratio: 0.8, window: 3m, probe_every: 30s}}
`))
	require.NoError(t, err)
	assert.Equal(t, Breaker{MinCalls: 20, FailureRatio: 0.5, Window: Duration{10 * time.Minute}, ProbeEvery: Duration{time.Minute}},
		cfg.TargetBreaker("apps"))
	assert.Equal(t, Breaker{MinCalls: 5, FailureRatio: 0.8, Window: Duration{3 * time.Minute}, ProbeEvery: Duration{30 * time.Second}},
		cfg.TargetBreaker("slack"))
	assert.Equal(t, []string{"apps", "slack"}, cfg.TargetInstances())
}

func TestBreakerErrorsNameTheKey(t *testing.T) {
	_, err := Parse([]byte(`
instances:
  - {name: apps, type: scim, base_url: "https://apps.example.com/scim/v2", token_env: T,
     breaker: {min_calls: -1, failure_ratio: 1, window: 90s, probe_every: 10ms}}
`))
	require.Error(t, err)
	for _, want := range []string{"instances[0].breaker.min_calls", "instances[0].breaker.failure_ratio",
		"instances[0].breaker.window: 1m30s", "instances[0].breaker.probe_every"} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = Parse([]byte(`
instances:
  - {name: apps, type: scim, base_url: "https://apps.example.com/scim/v2", token_env: T, breaker: {ratio: 0.5}}
`))
	assert.ErrorContains(t, err, `breaker: unknown key "ratio"`)
}
