package lifecycle

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ilm-dev/ilm/profile"
)

// TestDetectRules runs every detection rule, filter and boundary on small reports.
func TestDetectRules(t *testing.T) {
	const (
		hire   = "1001 IAM - New Hire"
		update = "1001 IAM - Update User"
		term   = "1001 IAM - Terminate User"
		rehire = "1001 IAM - Rehire User"
		adOn   = "1001 IAM - AD User Activation"
		adOff  = "1001 IAM - AD User Deactivation"
	)
	lastDay := func(s *Settings) { s.DeactivationDateField = profile.LastDayOfWork }
	tests := []struct {
		name     string
		settings func(*Settings)
		stored   []profile.Profile
		inFlight map[string]bool
		rows     []Row
		want     []string
	}{
		// New hire and the sync window.
		{name: "new hire", rows: rows(person("1001")), want: []string{hire}},
		{name: "hire date exactly N days away syncs", settings: func(s *Settings) { s.DaysBeforeHireToSync = days(30) },
			rows: rows(person("1001", profile.HireDate, date(30))), want: []string{hire}},
		{name: "hire date N+1 days away is skipped", settings: func(s *Settings) { s.DaysBeforeHireToSync = days(30) },
			rows: rows(person("1001", profile.HireDate, date(31)))},
		{name: "window 0 syncs on the hire date", settings: func(s *Settings) { s.DaysBeforeHireToSync = days(0) },
			rows: rows(person("1001", profile.HireDate, date(0))), want: []string{hire}},
		{name: "window 0 skips the day before", settings: func(s *Settings) { s.DaysBeforeHireToSync = days(0) },
			rows: rows(person("1001", profile.HireDate, date(1)))},
		{name: "no window has no limit", rows: rows(person("1001", profile.HireDate, date(1000))), want: []string{hire}},
		{name: "terminated without profile is no new hire",
			rows: rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated))},
		{name: "prehire with empty status is a new hire",
			rows: rows(person("1001", profile.PrehireFlag, "true", profile.EmploymentStatus, "", profile.HireDate, date(10))), want: []string{hire}},
		{name: "prehire with absent status is a new hire",
			rows: rows(person("1001", profile.PrehireFlag, "True", profile.EmploymentStatus, absent)), want: []string{hire}},
		{name: "prehire with empty status wins over a passed deactivation date",
			rows: rows(person("1001", profile.PrehireFlag, "true", profile.EmploymentStatus, "", profile.TerminationDate, date(-1))), want: []string{hire}},
		{name: "prehire with terminated status is no new hire",
			rows: rows(person("1001", profile.PrehireFlag, "true", profile.EmploymentStatus, profile.StatusTerminated, profile.TerminationDate, date(-1)))},
		{name: "termination date today: no new hire",
			rows: rows(person("1001", profile.TerminationDate, date(0)))},
		{name: "termination date yesterday: no new hire",
			rows: rows(person("1001", profile.TerminationDate, date(-1)))},
		{name: "termination date tomorrow: new hire",
			rows: rows(person("1001", profile.TerminationDate, date(1))), want: []string{hire}},
		{name: "last day of work ignored when deactivating on termination date",
			rows: rows(person("1001", profile.LastDayOfWork, date(-1))), want: []string{hire}},
		{name: "last day of work today: no new hire", settings: lastDay,
			rows: rows(person("1001", profile.LastDayOfWork, date(0)))},
		{name: "config spelling last_day_of_work", settings: func(s *Settings) { s.DeactivationDateField = "last_day_of_work" },
			rows: rows(person("1001", profile.LastDayOfWork, date(0)))},
		{name: "leave of absence new hire", rows: rows(person("1001", profile.EmploymentStatus, profile.StatusLeaveOfAbsence)), want: []string{hire}},

		// AD activation and deactivation.
		{name: "pending, no AD window: activation", stored: []profile.Profile{stored("1001", profile.ADPending)},
			rows: rows(person("1001", profile.HireDate, date(20))), want: []string{adOn}},
		{name: "pending, hire exactly N days away: activation", settings: func(s *Settings) { s.DaysBeforeHireToEnableAD = days(7) },
			stored: []profile.Profile{stored("1001", profile.ADPending, profile.HireDate, date(7))},
			rows:   rows(person("1001", profile.HireDate, date(7))), want: []string{adOn}},
		{name: "pending, hire N+1 days away: nothing", settings: func(s *Settings) { s.DaysBeforeHireToEnableAD = days(7) },
			stored: []profile.Profile{stored("1001", profile.ADPending, profile.HireDate, date(8))},
			rows:   rows(person("1001", profile.HireDate, date(8)))},
		{name: "pending, window 0, hire today: activation", settings: func(s *Settings) { s.DaysBeforeHireToEnableAD = days(0) },
			stored: []profile.Profile{stored("1001", profile.ADPending, profile.HireDate, date(0))},
			rows:   rows(person("1001", profile.HireDate, date(0))), want: []string{adOn}},
		{name: "pending hire terminated before activation: terminate, never activate", stored: []profile.Profile{stored("1001", profile.ADPending)},
			rows: rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated)), want: []string{term}},
		{name: "pending outside AD window, terminated: terminate", settings: func(s *Settings) { s.DaysBeforeHireToEnableAD = days(7) },
			stored: []profile.Profile{stored("1001", profile.ADPending, profile.HireDate, date(20))},
			rows:   rows(person("1001", profile.HireDate, date(20), profile.EmploymentStatus, profile.StatusTerminated)), want: []string{term}},
		{name: "enabled, hire postponed out of AD window: deactivation", settings: func(s *Settings) { s.DaysBeforeHireToEnableAD = days(7) },
			stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.HireDate, date(3))},
			rows:   rows(person("1001", profile.HireDate, date(8))), want: []string{adOff}},
		{name: "enabled conversion hire: no deactivation", settings: func(s *Settings) { s.DaysBeforeHireToEnableAD = days(7) },
			stored: []profile.Profile{func() profile.Profile {
				p := stored("1001", profile.ADEnabled, profile.HireDate, date(8))
				p.ConversionHire = true
				return p
			}()},
			rows: rows(person("1001", profile.HireDate, date(8)))},
		{name: "enabled, other source: no deactivation but a conversion", settings: func(s *Settings) { s.DaysBeforeHireToEnableAD = days(7) },
			stored: []profile.Profile{withPriority(stored("1001", profile.ADEnabled, profile.HireDate, date(8)), 2)},
			rows:   rows(person("1001", profile.HireDate, date(8))), want: []string{update}},
		{name: "enabled, no AD window: no deactivation", stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.HireDate, date(8))},
			rows: rows(person("1001", profile.HireDate, date(8)))},

		// Rehire.
		{name: "rehire", stored: []profile.Profile{stored("1001", profile.ADDisabled, profile.EmploymentStatus, profile.StatusTerminated)},
			rows: rows(person("1001", profile.PrehireFlag, "true", profile.RehiredEmployee, "Yes", profile.HireDate, date(10))), want: []string{rehire}},
		{name: "rehire, lower-case yes", stored: []profile.Profile{stored("1001", profile.ADDisabled)},
			rows: rows(person("1001", profile.PrehireFlag, "TRUE", profile.RehiredEmployee, "yes")), want: []string{rehire}},
		{name: "disabled prehire not rehired: an update", stored: []profile.Profile{stored("1001", profile.ADDisabled)},
			rows: rows(person("1001", profile.PrehireFlag, "true")), want: []string{update}},
		{name: "rehire needs the prehire flag", stored: []profile.Profile{stored("1001", profile.ADDisabled)},
			rows: rows(person("1001", profile.RehiredEmployee, "Yes")), want: []string{update}},

		// Termination.
		{name: "terminated status", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated)), want: []string{term}},
		{name: "terminated status, lower case", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.EmploymentStatus, "terminated")), want: []string{term}},
		{name: "terminated but prehire: nothing", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated, profile.PrehireFlag, "true"))},
		{name: "termination date today terminates", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.TerminationDate, date(0))), want: []string{term}},
		{name: "termination date yesterday terminates", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.TerminationDate, date(-1))), want: []string{term}},
		{name: "termination date tomorrow: an update", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.TerminationDate, date(1))), want: []string{update}},
		{name: "termination date passed, prehire: terminate", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.TerminationDate, date(-1), profile.PrehireFlag, "true")), want: []string{term}},
		{name: "last day of work today terminates per setting", settings: lastDay, stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.LastDayOfWork, date(0))), want: []string{term}},
		{name: "termination date ignored when deactivating on last day of work", settings: lastDay,
			stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows:   rows(person("1001", profile.TerminationDate, date(-1))), want: []string{update}},
		{name: "last day of work ignored when deactivating on termination date", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.LastDayOfWork, date(-1))), want: []string{update}},
		{name: "never provisioned in AD, terminated: terminate", stored: []profile.Profile{stored("1001", "")},
			rows: rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated)), want: []string{term}},
		{name: "already disabled and terminated: nothing",
			stored: []profile.Profile{stored("1001", profile.ADDisabled, profile.EmploymentStatus, profile.StatusTerminated)},
			rows:   rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated, profile.Department, "Gone"))},

		// Update.
		{name: "field change", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.Department, "Engineering")), want: []string{update}},
		{name: "no change", stored: []profile.Profile{stored("1001", profile.ADEnabled)}, rows: rows(person("1001"))},
		{name: "whitespace only is no change", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.Department, " Sales "))},
		{name: "empty and absent are the same", stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.MobilePhone, "")},
			rows: rows(person("1001", profile.WorkPhone, ""))},
		{name: "absent now: a change to empty", stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.MobilePhone, "555")},
			rows: rows(person("1001")), want: []string{update}},
		{name: "emptied now: a change", stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.MobilePhone, "555")},
			rows: rows(person("1001", profile.MobilePhone, "")), want: []string{update}},
		{name: "leave of absence is an update", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.EmploymentStatus, profile.StatusLeaveOfAbsence)), want: []string{update}},
		{name: "back from leave of absence is an update",
			stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.EmploymentStatus, profile.StatusLeaveOfAbsence)},
			rows:   rows(person("1001")), want: []string{update}},
		{name: "conversion hire, same fields", stored: []profile.Profile{withPriority(stored("1001", profile.ADEnabled), 2)},
			rows: rows(person("1001")), want: []string{update}},
		{name: "conversion hire found by email", stored: []profile.Profile{withPriority(stored("C-7", profile.ADEnabled, profile.Email, "p1001@example.com"), 2)},
			rows: rows(person("1001")), want: []string{update}},
		{name: "priority 0 counts as 1: no conversion", stored: []profile.Profile{withPriority(stored("1001", profile.ADEnabled), 0)},
			rows: rows(person("1001"))},
		{name: "email matched case-insensitively", stored: []profile.Profile{func() profile.Profile {
			p := stored("1001", profile.ADEnabled, profile.Email, "P1001@Example.com")
			p.Fields[profile.EmployeeID] = ""
			return p
		}()},
			rows: rows(person("1001", profile.Email, "P1001@EXAMPLE.COM")), want: []string{update}},

		// Pre-filters.
		{name: "stronger source is skipped", settings: func(s *Settings) { s.SourcePriority = 2 },
			stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows:   rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated))},
		{name: "weaker setting with stored priority 0 is skipped", settings: func(s *Settings) { s.SourcePriority = 2 },
			stored: []profile.Profile{withPriority(stored("1001", profile.ADEnabled), 0)},
			rows:   rows(person("1001", profile.Department, "Engineering"))},
		{name: "in flight is skipped", stored: []profile.Profile{stored("1001", profile.ADEnabled)}, inFlight: map[string]bool{"1001": true},
			rows: rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated))},
		{name: "in-flight new hire is skipped", inFlight: map[string]bool{"1001": true}, rows: rows(person("1001"))},
		{name: "existing person outside the sync window: skipped, not orphaned",
			settings: func(s *Settings) { s.DaysBeforeHireToSync = days(30); s.DaysBeforeHireToEnableAD = days(7) },
			stored:   []profile.Profile{stored("1001", profile.ADEnabled, profile.HireDate, date(5))},
			rows:     rows(person("1001", profile.HireDate, date(31)))},
		{name: "new hire email already taken", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("2002", profile.Email, "p1001@example.com")),
			want: []string{"1001 IAM - Sync User orphan", "error: row 1 (employee 2002): email already used by employee 1001"}},

		// Post-filters.
		{name: "TUFE drops a termination", stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.TerminationTrigger, "TUFE")},
			rows: rows(person("1001", profile.TerminationTrigger, "TUFE", profile.EmploymentStatus, profile.StatusTerminated))},
		{name: "TUFE drops an update", stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.TerminationTrigger, "tufe")},
			rows: rows(person("1001", profile.TerminationTrigger, "tufe", profile.Department, "Engineering"))},
		{name: "TUFE keeps a rehire",
			stored: []profile.Profile{stored("1001", profile.ADDisabled, profile.TerminationTrigger, "TUFE", profile.EmploymentStatus, profile.StatusTerminated)},
			rows:   rows(person("1001", profile.PrehireFlag, "true", profile.RehiredEmployee, "Yes")), want: []string{rehire}},
		{name: "new hire with an active person's display name", stored: []profile.Profile{stored("1002", profile.ADEnabled, profile.DisplayName, "Ann Lee")},
			rows: rows(person("1001", profile.DisplayName, "ann lee"), person("1002", profile.DisplayName, "Ann Lee")),
			want: []string{"1001 IAM - Sync User (was IAM - New Hire)"}},
		{name: "new hire with a terminated person's display name",
			stored: []profile.Profile{stored("1002", profile.ADEnabled, profile.DisplayName, "Ann Lee", profile.EmploymentStatus, profile.StatusTerminated)},
			rows:   rows(person("1001", profile.DisplayName, "Ann Lee"), person("1002", profile.DisplayName, "Ann Lee", profile.EmploymentStatus, profile.StatusTerminated)),
			want:   []string{hire, "1002 IAM - Terminate User"}},
		{name: "new hire with a disabled person's display name",
			stored: []profile.Profile{stored("1002", profile.ADDisabled, profile.DisplayName, "Ann Lee")},
			rows:   rows(person("1001", profile.DisplayName, "Ann Lee"), person("1002", profile.DisplayName, "Ann Lee")),
			want:   []string{hire}},
		{name: "rename to an active person's display name",
			stored: []profile.Profile{stored("1001", profile.ADEnabled), stored("1002", profile.ADEnabled, profile.DisplayName, "Ann Lee")},
			rows:   rows(person("1001", profile.DisplayName, "Ann Lee"), person("1002", profile.DisplayName, "Ann Lee")),
			want:   []string{"1001 IAM - Sync User (was IAM - Update User)"}},
		{name: "rename to a terminated person's display name",
			stored: []profile.Profile{stored("1001", profile.ADEnabled), stored("1002", profile.ADDisabled, profile.DisplayName, "Ann Lee", profile.EmploymentStatus, profile.StatusTerminated)},
			rows:   rows(person("1001", profile.DisplayName, "Ann Lee"), person("1002", profile.DisplayName, "Ann Lee", profile.EmploymentStatus, profile.StatusTerminated)),
			want:   []string{update}},
		{name: "update keeping a shared display name is no collision",
			stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.DisplayName, "Ann Lee"), stored("1002", profile.ADEnabled, profile.DisplayName, "Ann Lee")},
			rows:   rows(person("1001", profile.DisplayName, "Ann Lee", profile.Department, "Engineering"), person("1002", profile.DisplayName, "Ann Lee")),
			want:   []string{update}},
		{name: "rehire to an active person's display name",
			stored: []profile.Profile{stored("1001", profile.ADDisabled), stored("1002", profile.ADEnabled, profile.DisplayName, "Ann Lee")},
			rows:   rows(person("1001", profile.PrehireFlag, "true", profile.RehiredEmployee, "Yes", profile.DisplayName, "Ann Lee"), person("1002", profile.DisplayName, "Ann Lee")),
			want:   []string{"1001 IAM - Sync User (was IAM - Rehire User)"}},
		{name: "termination is never a collision",
			stored: []profile.Profile{stored("1001", profile.ADEnabled), stored("1002", profile.ADEnabled, profile.DisplayName, "Ann Lee")},
			rows:   rows(person("1001", profile.DisplayName, "Ann Lee", profile.EmploymentStatus, profile.StatusTerminated), person("1002", profile.DisplayName, "Ann Lee")),
			want:   []string{term}},

		// Orphans.
		{name: "orphan", stored: []profile.Profile{stored("1001", profile.ADEnabled)}, want: []string{"1001 IAM - Sync User orphan"}},
		{name: "pending orphan", stored: []profile.Profile{stored("1001", profile.ADPending)}, want: []string{"1001 IAM - Sync User orphan"}},
		{name: "disabled is no orphan", stored: []profile.Profile{stored("1001", profile.ADDisabled)}},
		{name: "terminated by HR is no orphan", stored: []profile.Profile{stored("1001", profile.ADEnabled, profile.EmploymentStatus, profile.StatusTerminated)}},
		{name: "in flight is no orphan", stored: []profile.Profile{stored("1001", profile.ADEnabled)}, inFlight: map[string]bool{"1001": true}},
		{name: "other source is no orphan", stored: []profile.Profile{withPriority(stored("1001", profile.ADEnabled), 2)}},
		{name: "row with an error is no orphan", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.HireDate, absent)),
			want: []string{"error: row 1 (employee 1001): missing hire date"}},
		{name: "row without employee id matched by email is no orphan", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.EmployeeID, "")),
			want: []string{"error: row 1 (email p1001@example.com): missing employee id"}},
		{name: "row with a mapping error is no orphan", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: []Row{{Number: 7, Fields: person("1001"), Err: errors.New(`mapper workday-incoming: field hiredate: bad date "x"`)}},
			want: []string{`error: row 7 (employee 1001): mapper workday-incoming: field hiredate: bad date "x"`}},

		// Input errors.
		{name: "missing email (empty)", rows: rows(person("1001", profile.Email, "")),
			want: []string{"error: row 1 (employee 1001): missing email"}},
		{name: "missing email (absent)", rows: rows(person("1001", profile.Email, absent)),
			want: []string{"error: row 1 (employee 1001): missing email"}},
		{name: "missing employee id", rows: rows(person("1001", profile.EmployeeID, absent)),
			want: []string{"error: row 1 (email p1001@example.com): missing employee id"}},
		{name: "missing hire date (blank)", rows: rows(person("1001", profile.HireDate, "  ")),
			want: []string{"error: row 1 (employee 1001): missing hire date"}},
		{name: "unparseable hire date", rows: rows(person("1001", profile.HireDate, "15/06/2024")),
			want: []string{`error: row 1 (employee 1001): unparseable hiredate "15/06/2024" (want 2006-01-02)`}},
		{name: "unparseable unused date field", rows: rows(person("1001", profile.LastDayOfWork, "2024-02-30")),
			want: []string{`error: row 1 (employee 1001): unparseable lastdayofwork "2024-02-30" (want 2006-01-02)`}},
		{name: "bad row does not stop the others", rows: rows(person("1001", profile.Email, ""), person("1002")),
			want: []string{"1002 IAM - New Hire", "error: row 1 (employee 1001): missing email"}},
		{name: "duplicate employee id: both rows", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated), person("1002"), person("1001", profile.Email, "other@example.com")),
			want: []string{"1002 IAM - New Hire",
				"error: row 1 (employee 1001): duplicate employee id 1001 in report (rows 1, 3)",
				"error: row 3 (employee 1001): duplicate employee id 1001 in report (rows 1, 3)"}},
		{name: "duplicate email: all rows",
			rows: rows(person("1001", profile.Email, "x@example.com"), person("1002", profile.Email, "X@example.com"), person("1003", profile.Email, "x@example.com")),
			want: []string{
				"error: row 1 (employee 1001): duplicate email x@example.com in report (rows 1, 2, 3)",
				"error: row 2 (employee 1002): duplicate email x@example.com in report (rows 1, 2, 3)",
				"error: row 3 (employee 1003): duplicate email x@example.com in report (rows 1, 2, 3)"}},
		{name: "exact duplicate rows", stored: []profile.Profile{stored("1001", profile.ADEnabled)},
			rows: rows(person("1001", profile.Department, "Engineering"), person("1001", profile.Department, "Engineering")),
			want: []string{
				"error: row 1 (employee 1001): duplicate employee id 1001 in report (rows 1, 2)",
				"error: row 2 (employee 1001): duplicate employee id 1001 in report (rows 1, 2)"}},
		{name: "duplicate row keeps its own error",
			rows: rows(person("1001", profile.HireDate, ""), person("1001")),
			want: []string{
				"error: row 1 (employee 1001): missing hire date",
				"error: row 2 (employee 1001): duplicate employee id 1001 in report (rows 1, 2)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := settings()
			if tc.settings != nil {
				tc.settings(&s)
			}
			res := Detect(tc.rows, tc.stored, tc.inFlight, s, now)
			assert.Equal(t, tc.want, summary(res))
			assert.Equal(t, len(tc.rows), res.Seen)
		})
	}
}
