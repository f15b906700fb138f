package lifecycle

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// Baseline is what an instance's first poll makes of a report.
type Baseline struct {
	Profiles []profile.Profile
	// Invalid are the rows that cannot be read (mapping errors, missing keys, unparseable
	// dates, values beyond the size bounds) or that repeat another row's email or employee id.
	Invalid []RowError
	// Skipped are valid rows left out on purpose: people already terminated, or hired
	// beyond days_before_hire_to_sync.
	Skipped []RowError
	// Refusal says why the baseline must not be saved ("" when it may): see refusal.
	Refusal string
}

// InitialSync builds the profiles of an instance's first poll, which raises no incidents:
// everyone already employed is already provisioned. An invalid or skipped row comes back with
// the reason. Unlike Detect, the first of two rows sharing an email or employee id wins.
func InitialSync(rows []Row, s Settings, now time.Time) Baseline {
	var (
		prio       = priority(s.SourcePriority)
		deactField = deactivationField(s)
		lim        = boundsOf(s)
		day        = today(now)
		byID       = make(map[string]int, len(rows))
		byEmail    = make(map[string]int, len(rows))
		b          = Baseline{Profiles: make([]profile.Profile, 0, len(rows))}
	)
	for _, r := range rows {
		id := r.Fields.Get(profile.EmployeeID)
		email := strings.ToLower(r.Fields.Get(profile.Email))
		v, rerr := readRow(r, id, email, deactField, lim, day)
		if rerr != nil {
			b.Invalid = append(b.Invalid, *rerr)
			continue
		}
		rowError := func(field, reason string) RowError {
			return RowError{Row: r.Number, EmployeeID: id, Email: email, Field: field, Reason: reason}
		}
		skip := func(field, reason string) { b.Skipped = append(b.Skipped, rowError(field, reason)) }
		if first, dup := byEmail[email]; dup {
			b.Invalid = append(b.Invalid, rowError(profile.Email, "duplicate email "+email+" (already used by row "+strconv.Itoa(first)+")"))
			continue
		}
		if first, dup := byID[id]; dup {
			b.Invalid = append(b.Invalid, rowError(profile.EmployeeID, "duplicate employee id "+id+" (already used by row "+strconv.Itoa(first)+")"))
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
		b.Profiles = append(b.Profiles, profile.Profile{
			Fields:         r.Fields.Clone(),
			ADStatus:       ad,
			SourcePriority: prio,
			SourceOfTruth:  s.Instance,
		})
	}
	b.Refusal = refusal(len(rows), len(b.Invalid), s.InitialSyncMaxRowErrorPercent)
	return b
}

// refusal says why an initial sync of a report must not be saved: it has no rows, or more
// than maxPercent of them are invalid. Such a report would baseline nobody, or a few, and the
// next poll would raise a new hire for everyone it left out.
func refusal(rows, invalid int, maxPercent float64) string {
	if rows == 0 {
		return "the report has no rows"
	}
	if pct := float64(invalid) * 100 / float64(rows); pct > maxPercent {
		return fmt.Sprintf("%d of %d rows are invalid (%.1f%%, more than initial_sync_max_row_error_percent %g)", invalid, rows, pct, maxPercent)
	}
	return ""
}
