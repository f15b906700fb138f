package lifecycle

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ilm-dev/ilm/profile"
)

func TestInitialSync(t *testing.T) {
	s := Settings{Instance: "Workday", SourcePriority: 2, DaysBeforeHireToSync: days(30), DaysBeforeHireToEnableAD: days(7)}
	report := []Row{
		{Number: 1, Fields: person("1001")},
		{Number: 2, Fields: person("1002", profile.Email, "")},
		{Number: 3, Fields: person("1003", profile.EmployeeID, absent)},
		{Number: 4, Fields: person("1004", profile.HireDate, "")},
		{Number: 5, Fields: person("1005", profile.Email, "P1001@example.com")},
		{Number: 6, Fields: person("1001", profile.Email, "other@example.com")},
		{Number: 7, Fields: person("1007", profile.EmploymentStatus, profile.StatusTerminated)},
		{Number: 8, Fields: person("1008", profile.TerminationDate, date(0))},
		{Number: 9, Fields: person("1009", profile.HireDate, date(31))},
		{Number: 10, Fields: person("1010", profile.HireDate, date(30))},
		{Number: 11, Fields: person("1011", profile.HireDate, date(7))},
		{Number: 12, Fields: person("1012", profile.HireDate, date(8), profile.PrehireFlag, "true", profile.EmploymentStatus, "")},
		{Number: 13, Fields: person("1013", profile.EmploymentStatus, profile.StatusTerminated, profile.PrehireFlag, "true", profile.HireDate, date(3))},
		{Number: 14, Fields: person("1014"), Err: errors.New("mapper workday-incoming: field city: boom")},
		{Number: 15, Fields: person("1015", profile.EmploymentStatus, profile.StatusLeaveOfAbsence)},
		{Number: 16, Fields: person("1016", profile.LastDayOfWork, "June 1st")},
	}
	b := InitialSync(report, s, now)

	var got []string
	for _, p := range b.Profiles {
		got = append(got, p.EmployeeID()+" "+string(p.ADStatus))
		assert.Equal(t, 2, p.SourcePriority)
		assert.Equal(t, "Workday", p.SourceOfTruth)
	}
	assert.Equal(t, []string{"1001 Enabled", "1010 Pending", "1011 Enabled", "1012 Pending", "1013 Enabled", "1015 Enabled"}, got)

	reasons := func(errs []RowError) []string {
		var out []string
		for _, e := range errs {
			out = append(out, e.Error())
		}
		return out
	}
	assert.Equal(t, []string{
		"row 2 (employee 1002): missing email",
		"row 3 (email p1003@example.com): missing employee id",
		"row 4 (employee 1004): missing hire date",
		"row 5 (employee 1005): duplicate email p1001@example.com (already used by row 1)",
		"row 6 (employee 1001): duplicate employee id 1001 (already used by row 1)",
		"row 14 (employee 1014): mapper workday-incoming: field city: boom",
		`row 16 (employee 1016): unparseable lastdayofwork "June 1st" (want 2006-01-02)`,
	}, reasons(b.Invalid))
	assert.Equal(t, []string{
		"row 7 (employee 1007): already terminated",
		"row 8 (employee 1008): already terminated",
		"row 9 (employee 1009): hire date is 31 days away, beyond days_before_hire_to_sync 30",
	}, reasons(b.Skipped))
	assert.Equal(t, "7 of 16 rows are invalid (43.8%, more than initial_sync_max_row_error_percent 0)", b.Refusal)

	report[0].Fields[profile.Department] = "changed"
	assert.Equal(t, "Sales", b.Profiles[0].Fields[profile.Department], "profiles share no map with the rows")
}

func TestInitialSyncDefaults(t *testing.T) {
	b := InitialSync(rows(person("1001", profile.HireDate, date(500))), Settings{}, now)
	assert.Equal(t, Baseline{
		Profiles: []profile.Profile{{Fields: person("1001", profile.HireDate, date(500)), ADStatus: profile.ADEnabled, SourcePriority: 1}},
	}, b)
}

// An empty report, or one with too many invalid rows, must not become the baseline: the next
// poll would raise a new hire for everyone it left out. Rows skipped on purpose are no errors.
func TestInitialSyncRefusal(t *testing.T) {
	tests := []struct {
		name                     string
		valid, invalid, departed int
		maxPercent               float64
		refusal                  string
	}{
		{name: "empty report", maxPercent: 10, refusal: "the report has no rows"},
		{name: "empty report, any share", maxPercent: 100, refusal: "the report has no rows"},
		{name: "no errors", valid: 100, maxPercent: 10},
		{name: "10% invalid", valid: 90, invalid: 10, maxPercent: 10},
		{name: "11% invalid", valid: 89, invalid: 11, maxPercent: 10,
			refusal: "11 of 100 rows are invalid (11.0%, more than initial_sync_max_row_error_percent 10)"},
		{name: "terminated people are skipped, not invalid", valid: 10, departed: 90, maxPercent: 10},
		{name: "zero allows none", valid: 99, invalid: 1, maxPercent: 0,
			refusal: "1 of 100 rows are invalid (1.0%, more than initial_sync_max_row_error_percent 0)"},
		{name: "every row invalid", invalid: 3, maxPercent: 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fields []profile.Fields
			for i := range tc.valid + tc.invalid + tc.departed {
				id := fmt.Sprintf("1%03d", i)
				switch {
				case i < tc.invalid:
					fields = append(fields, person(id, profile.Email, absent))
				case i < tc.invalid+tc.departed:
					fields = append(fields, person(id, profile.EmploymentStatus, profile.StatusTerminated))
				default:
					fields = append(fields, person(id))
				}
			}
			b := InitialSync(rows(fields...), Settings{InitialSyncMaxRowErrorPercent: tc.maxPercent}, now)
			assert.Equal(t, tc.refusal, b.Refusal)
			assert.Len(t, b.Invalid, tc.invalid)
			assert.Len(t, b.Skipped, tc.departed)
			assert.Len(t, b.Profiles, tc.valid)
		})
	}
}
