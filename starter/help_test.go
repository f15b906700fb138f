package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Help that is asked for is the answer: on stdout, exit 0.
func TestHelpAskedForGoesToStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, out, errOut := ilm(args...)
		assert.Equal(t, exitOK, code, args)
		assert.Contains(t, out, "usage: ilm COMMAND", args)
		assert.Contains(t, out, "  poll ", args)
		assert.Empty(t, errOut, args)
	}
	for _, args := range [][]string{{"plan", "--help"}, {"plan", "-h"}, {"help", "plan"}} {
		code, out, errOut := ilm(args...)
		assert.Equal(t, exitOK, code, args)
		assert.Contains(t, out, "usage: ilm plan --config F --instance NAME", args)
		assert.Contains(t, out, "-instance", args, "the flags")
		assert.Empty(t, errOut, args)
	}
}

// A mistake prints usage on stderr and exits 2.
func TestUsageAfterAMistakeGoesToStderr(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"help", "frobnicate"}, {"plan", "--no-such-flag"}} {
		code, out, errOut := ilm(args...)
		assert.Equal(t, exitUsage, code, args)
		assert.Empty(t, out, args)
		assert.Contains(t, errOut, "usage: ilm", args)
	}
	_, _, errOut := ilm("plan", "--no-such-flag")
	assert.Contains(t, errOut, "flag provided but not defined: -no-such-flag")
	assert.Contains(t, errOut, "-instance", "the command's flags")
}

// Without a config file a command stops, naming the file and how to set it, instead of
// running on defaults (whose store would be a new empty ilm.db here).
func TestMissingConfigIsAnError(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("ILM_CONFIG", "")
	code, out, errOut := ilm("profiles", "get", "1001")
	assert.Equal(t, exitError, code)
	assert.Empty(t, out)
	assert.Equal(t, "ilm profiles: config ilm.yaml not found (set --config or ILM_CONFIG)\n", errOut)

	t.Setenv("ILM_CONFIG", filepath.Join(dir, "elsewhere.yaml"))
	code, _, errOut = ilm("plan", "--instance", "workday")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "config "+filepath.Join(dir, "elsewhere.yaml")+" not found")

	code, _, errOut = ilm("profiles", "list", "--config", "other.yaml", "--store", "sqlite:"+filepath.Join(dir, "x.db"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "config other.yaml not found", "--store does not make a config unneeded")

	_, err := os.Stat(filepath.Join(dir, "ilm.db"))
	assert.ErrorIs(t, err, os.ErrNotExist, "no store was created")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// A config's relative SQLite store is next to the config, wherever the command runs.
func TestStoreIsTheConfigsFromAnyDirectory(t *testing.T) {
	dir := t.TempDir()
	report := workday(t, dir, "report.json", employee("1001", "Ann", "Sales"))
	cfg := writeConfig(t, dir, report, "")
	doc, err := os.ReadFile(cfg)
	require.NoError(t, err)
	_, rest, _ := strings.Cut(string(doc), "\n") // the first line is the store
	require.NoError(t, os.WriteFile(cfg, []byte("store: sqlite:ilm.db\n"+rest), 0o644))

	code, _, errOut := ilm("sync", "--initial", "--config", cfg, "--instance", "workday", "--now", cliNow)
	require.Equal(t, exitOK, code, errOut)
	t.Chdir(t.TempDir())
	code, out, errOut := ilm("profiles", "get", "1001", "--config", cfg)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "ann@example.com")
}
