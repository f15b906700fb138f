package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
)

// cliNow is the --now of every command in these tests.
const cliNow = "2026-11-28T09:00:00Z"

// workday writes a report of people given as column maps.
func workday(t *testing.T, dir, name string, people ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"Report_Entry": people})
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

// employee is the report row of an active employee hired in 2020, with column overrides.
func employee(id, first, dept string, kv ...any) map[string]any {
	row := map[string]any{
		"Emp_ID": id, "Email_Address": strings.ToLower(first) + "@example.com",
		"Preferred_Name": first + " Example", "Preferred_Name_-_First_Name": first, "Preferred_Name_-_Last_Name": "Example",
		"Department": dept, "Employment_Status": "Active", "Prehire_Flag": "0", "Rehired_Employee": "No",
		"Last_Hire_Date": "2020-03-02", "Termination_Date": nil,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		row[kv[i].(string)] = kv[i+1]
	}
	return row
}

// writeConfig writes a config whose store the tests never use (every command gets --store), with
// the stock mapper and the given keys of the workday instance (YAML, one line).
func writeConfig(t *testing.T, dir, report, keys string) string {
	t.Helper()
	mapper, err := filepath.Abs("../mappers/workday-incoming.yaml")
	require.NoError(t, err)
	yaml := `store: sqlite:` + filepath.Join(dir, "missing-dir", "never-used.db") + `
instances:
  - name: workday
    type: workday
    report_url: file:` + report + `
    mapper: ` + mapper + `
    sync_on_first_run: true
    ` + keys + `
`
	path := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o644))
	return path
}

// ilm runs the CLI and returns its exit code, stdout and stderr.
func ilm(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// The acceptance checks drive the CLI exactly so: sync --initial, then plan a later report.
func TestPlanContract(t *testing.T) {
	dir := t.TempDir()
	base := workday(t, dir, "base.json",
		employee("1001", "Ann", "Sales"), employee("1002", "Bob", "Sales"),
		employee("1003", "Cat", "Finance"), employee("1004", "Dan", "Legal"))
	// Four people: any change is a large share of them, so the guard here counts people only.
	cfg := writeConfig(t, dir, base, "guard: {max_access_removals: 5, max_access_removal_percent: 100, max_credential_grant_percent: 100}")
	st := "sqlite:" + filepath.Join(dir, "ilm.db")

	code, out, errOut := ilm("sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "initial sync of workday: 4 rows, 4 profiles created, 0 rows skipped, no incidents started\n", out)

	code, _, errOut = ilm("sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "initial sync already done", "a second initial sync needs --force")

	code, out, errOut = ilm("profiles", "get", "1002", "--config", cfg, "--store", st)
	require.Equal(t, exitOK, code, errOut)
	var bob profile.Profile
	require.NoError(t, json.Unmarshal([]byte(out), &bob))
	assert.Equal(t, "Sales", bob.Fields[profile.Department])
	assert.Equal(t, "bob@example.com", bob.Fields[profile.Email])

	code, out, errOut = ilm("profiles", "list", "--config", cfg, "--store", st)
	require.Equal(t, exitOK, code, errOut)
	var all []profile.Profile
	require.NoError(t, json.Unmarshal([]byte(out), &all))
	require.Len(t, all, 4)
	assert.Equal(t, "1001", all[0].EmployeeID())
	assert.Equal(t, "1004", all[3].EmployeeID())

	code, _, errOut = ilm("profiles", "get", "9999", "--config", cfg, "--store", st)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, `no profile with employee id "9999"`)

	day2 := workday(t, dir, "day2.json",
		employee("1005", "Eve", "Support"), // a new hire, listed first: output is sorted
		employee("1001", "Ann", "Sales"),
		employee("1002", "Bob", "Engineering"),
		employee("1003", "Cat", "Finance", "Employment_Status", "Terminated", "Termination_Date", "2026-11-20"),
		employee("1006", "Fay", "Support", "Email_Address", nil),
		employee("1007", "Gus", "Support", "Last_Hire_Date", "next tuesday"),
	) // 1004 is missing: an orphan, for review
	code, planned, errOut := ilm("plan", "--config", cfg, "--store", st, "--instance", "workday", "--report", day2, "--now", cliNow)
	require.Equal(t, exitOK, code, errOut)

	var types, ids []string
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(planned, "\n"), "\n") {
		var ev map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &ev), line)
		lines = append(lines, ev)
		types = append(types, ev["type"].(string))
		ids = append(ids, ev["employee_id"].(string))
	}
	assert.Equal(t, []string{"1002", "1003", "1004", "1005"}, ids)
	assert.Equal(t, []string{"IAM - Update User", "IAM - Terminate User", "IAM - Sync User", "IAM - New Hire"}, types)
	assert.Equal(t, map[string]any{
		"type": "IAM - Update User", "employee_id": "1002", "email": "bob@example.com",
		"details":        `department: "Sales" → "Engineering"`,
		"changed_fields": map[string]any{"department": map[string]any{"old": "Sales", "new": "Engineering"}},
	}, lines[0])
	assert.NotContains(t, lines[1], "changed_fields", "only updates carry changed fields")
	assert.Equal(t, "eve@example.com", lines[3]["email"])

	errLines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	require.Len(t, errLines, 2, errOut)
	assert.Equal(t, "row 5 (employee 1006): missing email", errLines[0])
	assert.True(t, strings.HasPrefix(errLines[1], "row 6 (employee 1007): "), errLines[1])
	assert.Contains(t, errLines[1], "next tuesday")

	// The plan is a dry run: nothing changed.
	code, out, _ = ilm("profiles", "get", "1002", "--config", cfg, "--store", st)
	require.Equal(t, exitOK, code)
	require.NoError(t, json.Unmarshal([]byte(out), &bob))
	assert.Equal(t, "Sales", bob.Fields[profile.Department])

	// One termination and one orphan trip a guard of one: the events are still printed,
	// stderr says why, and the exit code is 3.
	cfg = writeConfig(t, dir, base, "guard: {max_access_removals: 1, max_access_removal_percent: 100, max_credential_grant_percent: 100}")
	code, guarded, errOut := ilm("plan", "--config", cfg, "--store", st, "--instance", "workday", "--report", day2, "--now", cliNow)
	assert.Equal(t, exitGuard, code)
	assert.Equal(t, planned, guarded)
	assert.Contains(t, errOut, "ilm plan: ")
	assert.Contains(t, errOut, "a poll would start nothing")
}

func TestPlanUsageErrors(t *testing.T) {
	code, _, errOut := ilm("plan", "--config", "/nonexistent/ilm.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--instance is required")

	code, _, errOut = ilm("plan", "--config", "/nonexistent/ilm.yaml", "--instance", "workday")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "/nonexistent/ilm.yaml")

	code, _, errOut = ilm("plan", "--instance", "workday", "--now", "yesterday")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, `--now: "yesterday" is not an RFC 3339 time`)
}

// A report that raises nothing says so on stderr, and prints no event.
func TestPlanSaysNoChanges(t *testing.T) {
	dir := t.TempDir()
	report := workday(t, dir, "report.json", employee("1001", "Ann", "Sales"), employee("1002", "Bob", "Sales"))
	cfg := writeConfig(t, dir, report, "")
	st := "sqlite:" + filepath.Join(dir, "ilm.db")
	code, _, errOut := ilm("sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	require.Equal(t, exitOK, code, errOut)

	code, out, errOut := ilm("plan", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	assert.Equal(t, exitOK, code)
	assert.Empty(t, out)
	assert.Equal(t, "no changes\n", errOut)

	changed := workday(t, dir, "changed.json", employee("1001", "Ann", "Legal"), employee("1002", "Bob", "Sales"))
	code, out, errOut = ilm("plan", "--config", cfg, "--store", st, "--instance", "workday", "--report", changed, "--now", cliNow)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, `"employee_id":"1001"`)
	assert.NotContains(t, errOut, "no changes")
}

// `ilm plan` says who enters and who leaves each target's scope: the events carry their
// scope steps, and stderr has a line per move and a count of those out of scope.
func TestPlanShowsScopeMoves(t *testing.T) {
	dir := t.TempDir()
	base := workday(t, dir, "base.json",
		employee("1001", "Ann", "Sales", "Employee_Type", "Contractor"),
		employee("1002", "Bob", "Sales", "Employee_Type", "Regular"),
		employee("1003", "Cat", "Sales", "Employee_Type", "Contractor"))
	cfg := writeConfig(t, dir, base, `guard: {max_access_removal_percent: 100, max_credential_grant_percent: 100}
  - name: github
    type: scim
    base_url: https://api.github.com/scim/v2/enterprises/example
    token_env: ILM_TEST_UNUSED_TOKEN
    scope: employeetype != "Contractor"
provisioning:
  targets: {create: [github], update: [github], disable: [github]}`)
	st := "sqlite:" + filepath.Join(dir, "ilm.db")
	code, _, errOut := ilm("sync", "--initial", "--config", cfg, "--store", st, "--instance", "workday", "--now", cliNow)
	require.Equal(t, exitOK, code, errOut)

	day2 := workday(t, dir, "day2.json",
		employee("1001", "Ann", "Sales", "Employee_Type", "Regular"),                        // enters
		employee("1002", "Bob", "Sales", "Employee_Type", "Contractor"),                     // leaves
		employee("1003", "Cat", "Legal", "Employee_Type", "Contractor"),                     // stays out
		employee("1004", "Dan", "Sales", "Employee_Type", "Contractor"),                     // a new hire, out
		employee("1005", "Eve", "Sales", "Employee_Type", nil, "Department", "Engineering")) // unreadable: refused
	code, out, errOut := ilm("plan", "--config", cfg, "--store", st, "--instance", "workday", "--report", day2, "--now", cliNow)
	require.Equal(t, exitOK, code, errOut)

	scopes := map[string]any{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var ev map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &ev), line)
		scopes[ev["employee_id"].(string)] = ev["scope"]
	}
	step := func(move string) []any {
		return []any{map[string]any{"instance": "github", "move": move, "scope": `employeetype != "Contractor"`}}
	}
	assert.Equal(t, map[string]any{"1001": step("enter"), "1002": step("exit-disable"), "1003": step("out"), "1004": step("out")}, scopes)
	assert.Equal(t, `scope: 1001 enters the scope of github (employeetype != "Contractor"): account created there
scope: 1002 leaves the scope of github (employeetype != "Contractor"): account disabled there
scope: 2 planned people are out of the scope of github: no call there
row 5 (employee 1005): scope of instance "github": expression "employeetype != \"Contractor\"": field employeetype is missing; nothing is done for this person until it evaluates
`, errOut)
}
