package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

const employeesOnly = `employeetype != "Contractor"`

// scopedSettings scopes the github target to employees, its exit disabling or keeping, and
// leaves okta unscoped; ad is scoped to employees too and always disables.
func scopedSettings(t *testing.T, disable bool) Settings {
	t.Helper()
	c, err := mappers.CompileCondition(employeesOnly)
	require.NoError(t, err)
	s := settings()
	s.Guard = Guard{AccessRemovals: loose, CredentialGrants: loose}
	s.Scopes = []TargetScope{
		{Instance: "github", Condition: c, DisableOnExit: disable},
	}
	return s
}

func TestScopeOutAtNewHire(t *testing.T) {
	s := scopedSettings(t, true)
	res := Detect(rows(person("1001", profile.EmployeeType, "Contractor"), person("1002", profile.EmployeeType, "Employee")), nil, nil, s, now)
	require.Empty(t, res.Errors)
	require.Len(t, res.Events, 2)
	assert.Equal(t, []ScopeStep{{Instance: "github", Move: ScopeOut, Scope: employeesOnly}}, res.Events[0].Scope, "a contractor gets no github account")
	assert.Equal(t, newHireDetails, res.Events[0].Details, "being out of scope is no change to describe")
	assert.Empty(t, res.Events[1].Scope, "an employee is in scope: github is not set apart")
	assert.Equal(t, GuardCounts{NewHires: 2}, res.Guard.Counts)
}

func TestScopeEnterOnUpdate(t *testing.T) {
	s := scopedSettings(t, true)
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, "Contractor")
	ev := only(t, rows(person("1001", profile.EmployeeType, "Employee")), []profile.Profile{old}, s)
	assert.Equal(t, UpdateUser, ev.Type)
	assert.Equal(t, []ScopeStep{{Instance: "github", Move: ScopeEnter, Scope: employeesOnly}}, ev.Scope)
	assert.Contains(t, ev.Details, "enters the scope of github: account created there")
	assert.Equal(t, profile.ADEnabled, ev.Profile.ADStatus, "github is no AD target: the AD status stays")

	res := Detect(rows(person("1001", profile.EmployeeType, "Employee")), []profile.Profile{old}, nil, s, now)
	assert.Equal(t, GuardCounts{ScopeEntries: 1}, res.Guard.Counts, "entering a scope creates an account: a credential grant")
}

// An AD account created on entering the scope is created disabled, and waits for AD
// Activation as a new hire's does: the profile goes back to Pending.
func TestScopeEnterActiveDirectoryWaitsForActivation(t *testing.T) {
	s := scopedSettings(t, true)
	s.Scopes[0].Instance, s.Scopes[0].ActiveDirectory = "ad", true
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, "Contractor")
	ev := only(t, rows(person("1001", profile.EmployeeType, "Employee")), []profile.Profile{old}, s)
	assert.Equal(t, ScopeEnter, ev.Scope[0].Move)
	assert.Equal(t, profile.ADPending, ev.Profile.ADStatus)

	next := ev.Profile
	next.Revision++
	act := only(t, rows(next.Fields), []profile.Profile{next}, s)
	assert.Equal(t, ADActivation, act.Type, "the next poll activates the new AD account")
	assert.Empty(t, act.Scope)
}

func TestScopeExitDisables(t *testing.T) {
	s := scopedSettings(t, true)
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, "Employee")
	ev := only(t, rows(person("1001", profile.EmployeeType, "Contractor")), []profile.Profile{old}, s)
	assert.Equal(t, UpdateUser, ev.Type)
	assert.Equal(t, []ScopeStep{{Instance: "github", Move: ScopeExitDisable, Scope: employeesOnly}}, ev.Scope)
	assert.Contains(t, ev.Details, "leaves the scope of github: account disabled there")
}

func TestScopeExitKeeps(t *testing.T) {
	s := scopedSettings(t, false)
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, "Employee")
	res := Detect(rows(person("1001", profile.EmployeeType, "Contractor")), []profile.Profile{old}, nil, s, now)
	require.Len(t, res.Events, 1)
	assert.Equal(t, []ScopeStep{{Instance: "github", Move: ScopeExitKeep, Scope: employeesOnly}}, res.Events[0].Scope)
	assert.Contains(t, res.Events[0].Details, "account kept as it is (on_scope_exit: keep)")
	assert.Zero(t, res.Guard.Counts.AccessRemovals(), "keeping the account removes no access")
}

// A person out of scope before and after is out: the update leaves the target out, and
// nothing is disabled.
func TestScopeStaysOut(t *testing.T) {
	s := scopedSettings(t, true)
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, "Contractor")
	ev := only(t, rows(person("1001", profile.EmployeeType, "Contractor", profile.Title, "Builder")), []profile.Profile{old}, s)
	assert.Equal(t, []ScopeStep{{Instance: "github", Move: ScopeOut, Scope: employeesOnly}}, ev.Scope)
}

// A profile the scope cannot read (the field is missing) is never "out of scope": the
// person's change is refused with an error naming the instance, the employee and the
// expression, and nothing is planned for them, so nothing is disabled.
func TestScopeEvaluationErrorDisablesNothing(t *testing.T) {
	s := scopedSettings(t, true)
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, "Employee")
	res := Detect(rows(person("1001", profile.EmployeeType, absent)), []profile.Profile{old}, nil, s, now)
	assert.Empty(t, res.Events)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, `row 1 (employee 1001): scope of instance "github": expression "employeetype != \"Contractor\"": field employeetype is missing; nothing is done for this person until it evaluates`,
		res.Errors[0].Error())
	assert.Zero(t, res.Guard.Counts.AccessRemovals())

	res = Detect(rows(person("1002", profile.EmployeeType, absent)), nil, nil, s, now)
	assert.Empty(t, res.Events, "nor does a new hire the scope cannot read get accounts elsewhere")
	require.Len(t, res.Errors, 1)
	assert.Contains(t, res.Errors[0].Error(), "employee 1002")
}

// A stored profile the scope could not read counts as out of scope before: an update that
// makes it readable and in scope enters (the create converges on an existing account), and
// one that leaves it out disables nothing.
func TestScopeUnreadableStoredProfileIsNeverIn(t *testing.T) {
	s := scopedSettings(t, true)
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, absent)
	ev := only(t, rows(person("1001", profile.EmployeeType, "Employee")), []profile.Profile{old}, s)
	assert.Equal(t, ScopeEnter, ev.Scope[0].Move)
	ev = only(t, rows(person("1001", profile.EmployeeType, "Contractor")), []profile.Profile{old}, s)
	assert.Equal(t, ScopeOut, ev.Scope[0].Move)
}

// A termination disables in every disable target whatever the scope, and a malformed field
// does not hold it up.
func TestScopeDoesNotApplyToTermination(t *testing.T) {
	s := scopedSettings(t, true)
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, "Employee")
	ev := only(t, rows(person("1001", profile.EmployeeType, absent, profile.EmploymentStatus, profile.StatusTerminated, profile.TerminationDate, date(-1))), []profile.Profile{old}, s)
	assert.Equal(t, TerminateUser, ev.Type)
	assert.Empty(t, ev.Scope)
}

// Scope exits are access removals: enough of them trip the guard like terminations, and the
// plan's digest covers them.
func TestGuardCountsScopeExits(t *testing.T) {
	s := scopedSettings(t, true)
	s.Guard.AccessRemovals = Limit{Max: 1, MaxPercent: 100}
	var olds []profile.Profile
	var report []profile.Fields
	for _, id := range []string{"1001", "1002"} {
		olds = append(olds, stored(id, profile.ADEnabled, profile.EmployeeType, "Employee"))
		report = append(report, person(id, profile.EmployeeType, "Contractor"))
	}
	res := Detect(rows(report...), olds, nil, s, now)
	assert.Equal(t, GuardCounts{ScopeExits: 2}, res.Guard.Counts)
	assert.True(t, res.Guard.Tripped)
	assert.Equal(t, "mass-change guard: 2 access removals (0 terminations, 0 AD deactivations, 0 orphans, 2 scope exits) exceed max_access_removals 1", res.Guard.Reason)

	keep := scopedSettings(t, false)
	keep.Guard = s.Guard
	kept := Detect(rows(report...), olds, nil, keep, now)
	assert.False(t, kept.Guard.Tripped, "keeping the accounts removes nothing")
	assert.NotEqual(t, res.Digest, kept.Digest, "the digest tells a disabling plan from a keeping one")
}

// A collision review calls no target: it carries no scope steps.
func TestCollisionDropsScope(t *testing.T) {
	s := scopedSettings(t, true)
	holder := stored("1002", profile.ADEnabled, profile.DisplayName, "Taken Name", profile.EmployeeType, "Employee")
	old := stored("1001", profile.ADEnabled, profile.EmployeeType, "Employee")
	res := Detect(rows(person("1001", profile.EmployeeType, "Contractor", profile.DisplayName, "Taken Name"), holder.Fields), []profile.Profile{old, holder}, nil, s, now)
	require.Len(t, res.Events, 1, summary(res))
	assert.Equal(t, SyncUser, res.Events[0].Type)
	assert.Empty(t, res.Events[0].Scope)
	assert.Zero(t, res.Guard.Counts.ScopeExits)
}
