package lifecycle

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// InitialSync builds the profiles of an instance's first poll, which raises no incidents:
// everyone already employed is already provisioned. A skipped row comes back with the reason.
// Unlike Detect, the first of two rows sharing an email or employee id wins.
func InitialSync(rows []Row, s Settings, now time.Time) (profiles []profile.Profile, skipped []RowError) {
	var (
		prio       = priority(s.SourcePriority)
		deactField = deactivationField(s)
		day        = today(now)
		byID       = make(map[string]int, len(rows))
		byEmail    = make(map[string]int, len(rows))
	)
	profiles = make([]profile.Profile, 0, len(rows))
	for _, r := range rows {
		id := r.Fields.Get(profile.EmployeeID)
		email := strings.ToLower(r.Fields.Get(profile.Email))
		v, rerr := readRow(r, id, email, deactField, day)
		if rerr != nil {
			skipped = append(skipped, *rerr)
			continue
		}
		skip := func(field, reason string) {
			skipped = append(skipped, RowError{Row: r.Number, EmployeeID: id, Email: email, Field: field, Reason: reason})
		}
		if first, dup := byEmail[email]; dup {
			skip(profile.Email, "duplicate email "+email+" (already used by row "+strconv.Itoa(first)+")")
			continue
		}
		if first, dup := byID[id]; dup {
			skip(profile.EmployeeID, "duplicate employee id "+id+" (already used by row "+strconv.Itoa(first)+")")
			continue
		}
		if v.employmentEnded() {
			skip(profile.EmploymentStatus, "already terminated")
			continue
		}
		if !reached(s.DaysBeforeHireToSync, v.daysToHire) {
			skip(profile.HireDate, fmt.Sprintf("hire date is %d days away, beyond days_before_hire_to_sync %d", v.daysToHire, *s.DaysBeforeHireToSync))
			continue
		}
		byEmail[email], byID[id] = r.Number, r.Number
		ad := profile.ADEnabled
		if !reached(s.DaysBeforeHireToEnableAD, v.daysToHire) {
			ad = profile.ADPending
		}
		profiles = append(profiles, profile.Profile{
			Fields:         r.Fields.Clone(),
			ADStatus:       ad,
			SourcePriority: prio,
			SourceOfTruth:  s.Instance,
		})
	}
	return profiles, skipped
}
