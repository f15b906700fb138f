package lifecycle

import (
	"fmt"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// day is a calendar date as days since 1970-01-01, so that dates compare as calendar dates
// whatever the clock's time zone.
type day int64

const secondsPerDay = 24 * 60 * 60

// today is now's calendar date in now's location.
func today(now time.Time) day {
	y, m, d := now.Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

func parseDay(s string) (day, error) {
	t, err := time.Parse(profile.DateLayout, s)
	if err != nil {
		return 0, err
	}
	return day(t.Unix() / secondsPerDay), nil
}

// reached says whether a hire date daysToHire days away is within a window of n days
// (nil = no limit).
func reached(n *int, daysToHire int64) bool { return n == nil || daysToHire <= int64(*n) }

// priority reads a source priority; 0 is the default, 1.
func priority(p int) int {
	if p == 0 {
		return 1
	}
	return p
}

// deactivationField resolves the setting to a profile field key; anything but the last day
// of work means the termination date, the default.
func deactivationField(s Settings) string {
	if profile.NormalizeKey(s.DeactivationDateField) == profile.LastDayOfWork {
		return profile.LastDayOfWork
	}
	return profile.TerminationDate
}

// view is what the rules read from one valid row.
type view struct {
	number             int
	fields             profile.Fields
	id, email          string
	status             string
	terminated         bool
	prehire            bool
	daysToHire         int64
	deactivationPassed bool
}

// employmentEnded says whether HR has ended the person's employment: terminated and not a
// prehire, or the deactivation date has come.
func (v *view) employmentEnded() bool { return (v.terminated && !v.prehire) || v.deactivationPassed }

// readRow validates a row and reads it for the rules. id and email are the row's trimmed
// employee id and lower-cased email.
func readRow(r Row, id, email, deactField string, now day) (view, *RowError) {
	fail := func(field, reason string) (view, *RowError) {
		return view{}, &RowError{Row: r.Number, EmployeeID: id, Email: email, Field: field, Reason: reason}
	}
	switch {
	case r.Err != nil:
		return fail("", r.Err.Error())
	case id == "":
		return fail(profile.EmployeeID, "missing employee id")
	case email == "":
		return fail(profile.Email, "missing email")
	}
	v := view{number: r.Number, fields: r.Fields, id: id, email: email}
	hire := r.Fields.Get(profile.HireDate)
	if hire == "" {
		return fail(profile.HireDate, "missing hire date")
	}
	d, err := parseDay(hire)
	if err != nil {
		return fail(profile.HireDate, unparseable(profile.HireDate, hire))
	}
	v.daysToHire = int64(d - now)
	for _, k := range profile.DateFields {
		if k == profile.HireDate {
			continue
		}
		s := r.Fields.Get(k)
		if s == "" {
			continue
		}
		d, err := parseDay(s)
		if err != nil {
			return fail(k, unparseable(k, s))
		}
		if k == deactField {
			v.deactivationPassed = d <= now
		}
	}
	v.status = r.Fields.Get(profile.EmploymentStatus)
	v.terminated = strings.EqualFold(v.status, profile.StatusTerminated)
	v.prehire = strings.EqualFold(r.Fields.Get(profile.PrehireFlag), "true")
	return v, nil
}

func unparseable(field, value string) string {
	return fmt.Sprintf("unparseable %s %q (want %s)", field, value, profile.DateLayout)
}
