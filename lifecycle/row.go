package lifecycle

import (
	"cmp"
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
func readRow(r Row, id, email, deactField string, lim bounds, now day) (view, *RowError) {
	fail := func(field, reason string) (view, *RowError) {
		return view{}, &RowError{Row: r.Number, EmployeeID: id, Email: email, Field: field, Reason: reason}
	}
	// Sizes come first: a mapping error may quote the oversized value. An oversized id or
	// email stays out of the error, which the poll's report carries.
	if field, reason := lim.exceeded(r.Fields); reason != "" {
		if len(id) > lim.field {
			id = ""
		}
		if len(email) > lim.field {
			email = ""
		}
		return fail(field, reason)
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

// Default bounds of a mapped report row (Settings.MaxFieldBytes and MaxRowBytes). HR fields
// are names, codes and dates: a value beyond them comes from a broken report, and would carry
// the incident the row raises past Temporal's payload limit (2 MB by default).
const (
	DefaultMaxFieldBytes = 4 << 10
	DefaultMaxRowBytes   = 64 << 10
)

// bounds are the sizes a mapped row may not exceed: one value, and all keys and values.
type bounds struct{ field, row int }

// boundsOf reads the settings' bounds; 0 is the default.
func boundsOf(s Settings) bounds {
	return bounds{field: cmp.Or(s.MaxFieldBytes, DefaultMaxFieldBytes), row: cmp.Or(s.MaxRowBytes, DefaultMaxRowBytes)}
}

// exceeded says which bound the fields exceed: the field at fault (the first in key order, so
// the same row always names the same field) and why, or "", "" when none.
func (b bounds) exceeded(f profile.Fields) (field, reason string) {
	total := 0
	for k, v := range f {
		total += len(k) + len(v)
		if len(v) > b.field && (field == "" || k < field) {
			field = k
		}
	}
	if field != "" {
		return field, fmt.Sprintf("%s is %d bytes long, more than max_field_bytes %d", field, len(f[field]), b.field)
	}
	if total > b.row {
		return "", fmt.Sprintf("the row is %d bytes long once mapped, more than max_row_bytes %d", total, b.row)
	}
	return "", ""
}
