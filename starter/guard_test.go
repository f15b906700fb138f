package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/lifecycle"
)

// company syncs forty people hired in 2020 into a fresh store, on a config with no guard
// keys, and returns the config and the store.
func company(t *testing.T, dir string) (cfg, st string) {
	t.Helper()
	var people []map[string]any
	for i := range 40 {
		people = append(people, employee(fmt.Sprintf("1%03d", i), fmt.Sprintf("P%03d", i), "Sales"))
	}
	cfg = writeConfig(t, dir, workday(t, dir, "base.json", people...), "days_before_hire_to_enable_ad: 3")
	st = "sqlite:" + filepath.Join(dir, "ilm.db")
	code, _, errOut := ilm("sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	require.Equal(t, exitOK, code, errOut)
	return cfg, st
}

var digestLine = regexp.MustCompile(`(?m)^plan digest: ([0-9a-f]{64})$`)

// The floods of the issue that made the guard default: with no guard key, ilm plan exits 3,
// printing the counts per incident type and the digest to accept.
func TestPlanGuardIsOnWithoutGuardKeys(t *testing.T) {
	tests := []struct {
		name   string
		change func(i int, row map[string]any)
		counts []string
		reason string
	}{
		{
			name: "12 of 40 terminated",
			change: func(i int, row map[string]any) {
				if i < 12 {
					row["Employment_Status"], row["Termination_Date"] = "Terminated", "2026-11-20"
				}
			},
			counts: []string{"IAM - Terminate User           12", "IAM - AD User Deactivation     0"},
			reason: "12 access removals (12 terminations, 0 AD deactivations, 0 orphans) exceed max_access_removal_percent 20 (30.0% of 40 active)",
		},
		{
			name:   "every hire date out of the activation window",
			change: func(_ int, row map[string]any) { row["Last_Hire_Date"] = "2027-01-04" },
			counts: []string{"IAM - Terminate User           0", "IAM - AD User Deactivation     40"},
			reason: "40 access removals (0 terminations, 40 AD deactivations, 0 orphans) exceed max_access_removal_percent 20 (100.0% of 40 active)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg, st := company(t, dir)
			var people []map[string]any
			for i := range 40 {
				row := employee(fmt.Sprintf("1%03d", i), fmt.Sprintf("P%03d", i), "Sales")
				tc.change(i, row)
				people = append(people, row)
			}
			day2 := workday(t, dir, "day2.json", people...)

			plan := func() (int, string) {
				code, _, errOut := ilm("plan", "--config", cfg, "--store", st, "--instance", "workday", "--report", day2, "--now", cliNow)
				return code, errOut
			}
			code, errOut := plan()
			assert.Equal(t, exitGuard, code, errOut)
			assert.Contains(t, errOut, "ilm plan: mass-change guard: "+tc.reason+": a poll would start nothing")
			assert.Contains(t, errOut, "mass-change guard counts for workday: ")
			for _, line := range tc.counts {
				assert.Contains(t, errOut, "\n  "+line+"\n")
			}
			m := digestLine.FindStringSubmatch(errOut)
			require.NotNil(t, m, errOut)
			assert.Contains(t, errOut, "\nto run exactly this plan anyway: ilm poll --instance workday --report "+day2+" --now "+cliNow+" --accept-plan "+m[1]+"\n")

			_, again := plan()
			assert.Equal(t, m, digestLine.FindStringSubmatch(again), "the same plan, the same digest")
		})
	}
}

// Only disabled: true turns the guard off.
func TestPlanGuardDisabled(t *testing.T) {
	dir := t.TempDir()
	_, st := company(t, dir)
	var people []map[string]any
	for i := range 40 {
		people = append(people, employee(fmt.Sprintf("1%03d", i), fmt.Sprintf("P%03d", i), "Sales", "Employment_Status", "Terminated", "Termination_Date", "2026-11-20"))
	}
	day2 := workday(t, dir, "day2.json", people...)
	cfg := writeConfig(t, dir, day2, "guard: {disabled: true}")
	code, out, errOut := ilm("plan", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	assert.Equal(t, exitOK, code, errOut)
	assert.Equal(t, 40, strings.Count(out, "IAM - Terminate User"))
	assert.Equal(t, "warning: the mass-change guard of workday is disabled (guard.disabled): a poll would start all of this unchecked\n", errOut)

	cfg = writeConfig(t, dir, day2, "guard: {max_access_removals: 0}")
	code, _, _ = ilm("plan", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	assert.Equal(t, exitGuard, code, "a zero bound is no off switch")
}

// An empty report is refused as the initial sync: nothing saved, so a later sync of a good
// report still runs; --force overrides the refusal and says so.
func TestSyncRefusesAnEmptyReport(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	require.NoError(t, os.WriteFile(empty, []byte(`{"Report_Entry":[]}`), 0o644))
	base := workday(t, dir, "base.json", employee("1001", "Ann", "Sales"))
	cfg := writeConfig(t, dir, base, "")
	st := "sqlite:" + filepath.Join(dir, "ilm.db")
	sync := func(report string, flags ...string) (int, string, string) {
		return ilm(append([]string{"sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow, "--report", report}, flags...)...)
	}

	code, _, errOut := sync(empty)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, `ilm sync: instance "workday": initial sync refused: the report has no rows; nothing saved, the instance stays unsynced`)

	code, out, errOut := sync(empty, "--force")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "--force: synced although the report has no rows\n", errOut)
	assert.Equal(t, "initial sync of workday: 0 rows, 0 profiles created, 0 rows skipped, no incidents started\n", out)

	code, _, errOut = sync(base)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "initial sync already done", "the forced sync counts")
}

// A refused initial sync leaves the instance unsynced: the next sync of a good report runs.
func TestRefusedSyncLeavesTheInstanceUnsynced(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	require.NoError(t, os.WriteFile(empty, []byte(`{"Report_Entry":[]}`), 0o644))
	cfg := writeConfig(t, dir, empty, "")
	st := "sqlite:" + filepath.Join(dir, "ilm.db")

	code, _, _ := ilm("sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	require.Equal(t, exitError, code)
	code, out, _ := ilm("profiles", "list", "--config", cfg, "--store", st)
	require.Equal(t, exitOK, code)
	assert.JSONEq(t, "[]", out)

	base := workday(t, dir, "base.json", employee("1001", "Ann", "Sales"))
	code, out, errOut := ilm("sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow, "--report", base)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "1 profiles created")
}

// ilm poll exits 3 when the guard stops the poll or the accepted plan changed, and prints
// the counts and the digest the failure carries.
func TestPollOutcome(t *testing.T) {
	digest := strings.Repeat("0123456789abcdef", 4)
	rep := activities.PollReport{Instance: "workday", Rows: 40, Events: 12, GuardTripped: true,
		GuardCounts: lifecycle.GuardCounts{Terminations: 12}, PlanDigest: digest}
	hint := func(d string) string { return "accept " + d }
	tests := []struct {
		name      string
		err       error
		code      int
		stdout    string
		stderr    []string
		notStderr string
	}{
		{
			name: "guard", err: temporal.NewNonRetryableApplicationError("mass-change guard: 12 access removals …", activities.ErrTypeGuard, nil, rep),
			code:   exitGuard,
			stdout: "poll of workday: 40 rows, 12 events; started nothing; 0 already running; 0 row errors\n",
			stderr: []string{"  IAM - Terminate User           12\n", "plan digest: " + digest + "\n", "accept " + digest + "\n"},
		},
		{
			name: "plan changed", err: temporal.NewNonRetryableApplicationError("the plan changed since it was accepted: digest now "+digest, activities.ErrTypePlanChanged, nil, rep),
			code:      exitGuard,
			stderr:    []string{"plan digest: " + digest + "\n", "review it with ilm plan"},
			notStderr: "accept ",
		},
		{
			name: "accepted", code: exitOK,
			stdout: "ran the accepted plan " + digest + " (12 access removals (12 terminations, 0 AD deactivations, 0 orphans); 0 credential grants (0 new hires, 0 AD activations, 0 rehires))\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			r := rep
			if tc.err == nil {
				r.GuardTripped, r.PlanAccepted, r.Started = true, true, 12
			}
			err := finishWorkdayPoll(&stdout, &stderr, r, tc.err, false, hint)
			var coded *exitCodeError
			if tc.code == exitOK {
				require.NoError(t, err)
			} else {
				require.ErrorAs(t, err, &coded)
				assert.Equal(t, tc.code, coded.code)
				assert.Contains(t, err.Error(), "no incident started")
			}
			assert.Contains(t, stdout.String(), tc.stdout)
			for _, want := range tc.stderr {
				assert.Contains(t, stderr.String(), want)
			}
			if tc.notStderr != "" {
				assert.NotContains(t, stderr.String(), tc.notStderr)
			}
		})
	}
}

func TestPollAcceptPlanUsage(t *testing.T) {
	code, _, errOut := ilm("poll", "--config", "/nonexistent/ilm.yaml", "--instance", "workday", "--accept-plan", "abc123")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `--accept-plan: "abc123" is not a plan digest`)
}
