package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/internal/codec"
)

// --print-query needs no server: the email in clear without a codec, one keyed hash per key
// of the keys file with one (in the file's order), never the email.
func TestIncidentsPrintQuery(t *testing.T) {
	code, out, errOut := ilm("incidents", "--config", codecConfig(t, "temporal: {namespace: default}\n"),
		"--email", " Ada@Example.COM", "--print-query")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, `Email IN ("ada@example.com")`+"\n", out)

	cfg := codecConfig(t, "temporal: {codec: {keys_file: keys}}\n")
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(cfg), "keys"),
		[]byte("k2 IB8eHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=\n"+testKeys), 0o600))
	code, out, errOut = ilm("incidents", "--config", cfg, "--email", "Ada@Example.com", "--print-query")
	require.Equal(t, exitOK, code, errOut)
	cdc, err := codec.Load(filepath.Join(filepath.Dir(cfg), "keys"))
	require.NoError(t, err)
	values := cdc.EmailSearch().Values("ada@example.com")
	require.Len(t, values, 2)
	assert.Equal(t, fmt.Sprintf("Email IN (%q, %q)\n", values[0], values[1]), out)
	assert.NotContains(t, strings.ToLower(out), "ada")
}

func TestIncidentsUsage(t *testing.T) {
	cfg := codecConfig(t, "temporal: {namespace: default}\n")
	code, _, errOut := ilm("incidents", "--config", cfg)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--email is required")
	code, _, errOut = ilm("incidents", "--config", cfg, "--email", "a@b.c", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `unexpected argument "extra"`)
}

func TestStatusName(t *testing.T) {
	for enum, want := range map[string]string{
		"WORKFLOW_EXECUTION_STATUS_RUNNING":          "Running",
		"WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW": "ContinuedAsNew",
		"WORKFLOW_EXECUTION_STATUS_TIMED_OUT":        "TimedOut",
	} {
		assert.Equal(t, want, statusName(enum))
	}
}
