package lifecycle

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ilm-dev/ilm/profile"
)

// A value or a row beyond the size bounds is a row error naming the row, the employee and the
// field: the person raises nothing, and still counts as present, so no orphan review is
// raised for them. Everyone else is detected as usual.
func TestOversizedRowsAreRowErrors(t *testing.T) {
	huge := strings.Repeat("n", 1<<20)
	atLimit := strings.Repeat("a", DefaultMaxFieldBytes)
	wide := person("1004")
	for i := range 20 {
		wide[fmt.Sprintf("extra%02d", i)] = strings.Repeat("w", 4000)
	}
	profiles := []profile.Profile{
		stored("1001", profile.ADEnabled), stored("1002", profile.ADEnabled), stored("1003", profile.ADEnabled),
		stored("1004", profile.ADEnabled), stored("1005", profile.ADEnabled),
	}
	res := Detect(rows(
		person("1001", profile.DisplayName, huge),
		person("1002", profile.Title, atLimit),
		person("1003", profile.EmploymentStatus, profile.StatusTerminated),
		wide,
		person("1005", profile.Title, huge+"x", profile.Department, huge, profile.HireDate, "not a date"),
	), profiles, nil, settings(), now)

	assert.Equal(t, []string{
		"1002 IAM - Update User",
		"1003 IAM - Terminate User",
		"error: row 1 (employee 1001): displayname is 1048576 bytes long, more than max_field_bytes 4096",
		"error: row 4 (employee 1004): the row is 80337 bytes long once mapped, more than max_row_bytes 65536",
		"error: row 5 (employee 1005): department is 1048576 bytes long, more than max_field_bytes 4096",
	}, summary(res))
	assert.Equal(t, profile.DisplayName, res.Errors[0].Field)
	assert.Empty(t, res.Errors[1].Field)
	assert.Equal(t, profile.Department, res.Errors[2].Field, "the first field in key order, whatever the map order")
}

// The bounds are the instance's; a value exactly at a bound passes.
func TestSizeBoundsAreSettings(t *testing.T) {
	s := settings()
	s.MaxFieldBytes = 20
	s.MaxRowBytes = 1000
	wide := person("1003")
	for i := range 40 {
		wide[fmt.Sprintf("extra%02d", i)] = strings.Repeat("w", 20)
	}
	res := Detect(rows(
		person("1001", profile.GivenName, strings.Repeat("g", 20)),
		person("1002", profile.GivenName, strings.Repeat("g", 21)),
		wide,
	), nil, nil, s, now)
	assert.Equal(t, []string{
		"1001 IAM - New Hire",
		"error: row 2 (employee 1002): givenname is 21 bytes long, more than max_field_bytes 20",
		"error: row 3 (employee 1003): the row is 1277 bytes long once mapped, more than max_row_bytes 1000",
	}, summary(res))
}

// An oversized employee id or email is left out of the error, which would otherwise carry it
// into the poll's report; an oversized value wins over a mapping error, which may quote it.
func TestOversizedKeysStayOutOfTheError(t *testing.T) {
	huge := strings.Repeat("1", DefaultMaxFieldBytes+1)
	res := Detect([]Row{
		{Number: 1, Fields: person("1001", profile.EmployeeID, huge)},
		{Number: 2, Fields: person("1002", profile.Email, huge+"@example.com")},
		{Number: 3, Fields: person("1003", profile.HireDate, huge), Err: errors.New("cannot parse " + huge + " as a date")},
	}, nil, nil, settings(), now)
	assert.Equal(t, []string{
		"error: row 1 (email p1001@example.com): employeeid is 4097 bytes long, more than max_field_bytes 4096",
		"error: row 2 (employee 1002): email is 4109 bytes long, more than max_field_bytes 4096",
		"error: row 3 (employee 1003): hiredate is 4097 bytes long, more than max_field_bytes 4096",
	}, summary(res))
}

// The initial sync holds rows to the same bounds: an oversized row baselines nobody and
// counts as invalid.
func TestInitialSyncBoundsRows(t *testing.T) {
	b := InitialSync(rows(person("1001"), person("1002", profile.DisplayName, strings.Repeat("n", 1<<20))), settings(), now)
	assert.Len(t, b.Profiles, 1)
	assert.Equal(t, "1001", b.Profiles[0].Fields.Get(profile.EmployeeID))
	assert.Len(t, b.Invalid, 1)
	assert.Equal(t, "row 2 (employee 1002): displayname is 1048576 bytes long, more than max_field_bytes 4096", b.Invalid[0].Error())
}

// An event's details quote long values clipped, on a rune boundary: people read them, and
// the whole value is in the profile.
func TestDetailsClipLongValues(t *testing.T) {
	long := "x" + strings.Repeat("é", 2000)
	ev := only(t, rows(person("1001", profile.Title, long)), []profile.Profile{stored("1001", profile.ADEnabled)}, settings())
	assert.Equal(t, UpdateUser, ev.Type)
	assert.Equal(t, `title: "" → "x`+strings.Repeat("é", maxDetailValue/2-1)+`…"`, ev.Details)
	assert.Equal(t, long, ev.ChangedFields[profile.Title].New, "the changes keep the whole value")
}
