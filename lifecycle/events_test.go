package lifecycle

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
)

// only detects one report and returns its single event.
func only(t *testing.T, rs []Row, stored []profile.Profile, s Settings) Event {
	t.Helper()
	res := Detect(rs, stored, nil, s, now)
	require.Len(t, res.Events, 1, summary(res))
	require.Empty(t, res.Errors)
	return res.Events[0]
}

func TestNewHireEvent(t *testing.T) {
	row := person("1001", profile.Email, "P1001@Example.com")
	ev := only(t, rows(row), nil, Settings{Instance: "Workday EU", SourcePriority: 2})
	assert.Equal(t, NewHire, ev.Type)
	assert.Equal(t, "1001", ev.EmployeeID)
	assert.Equal(t, "p1001@example.com", ev.Email)
	assert.Equal(t, "The user has been hired.", ev.Details)
	assert.Equal(t, 1, ev.Row)
	assert.Nil(t, ev.ChangedFields)
	assert.Equal(t, profile.Profile{Fields: row, ADStatus: profile.ADPending, SourcePriority: 2, SourceOfTruth: "Workday EU"}, ev.Profile)

	row[profile.Department] = "changed after detection"
	assert.Equal(t, "Sales", ev.Profile.Fields[profile.Department], "the event shares no map with the row")
}

func TestUpdateEvent(t *testing.T) {
	old := stored("1001", profile.ADEnabled, profile.MobilePhone, "555")
	old.Applications = []string{"okta-github"}
	old.AcquisitionHire = true
	row := person("1001", profile.Department, "Engineering", profile.Title, "Engineer", profile.MobilePhone, absent)

	ev := only(t, rows(row), []profile.Profile{old}, settings())
	assert.Equal(t, UpdateUser, ev.Type)
	assert.Equal(t, map[string]profile.Change{
		profile.Department:  {Old: "Sales", New: "Engineering"},
		profile.MobilePhone: {Old: "555", New: ""},
		profile.Title:       {Old: "", New: "Engineer"},
	}, ev.ChangedFields)
	assert.Equal(t, `department: "Sales" → "Engineering"`+"\n"+
		`mobilephone: "555" → ""`+"\n"+
		`title: "" → "Engineer"`, ev.Details)

	want := old
	want.Fields = row
	want.OldUserData = old.Fields
	assert.Equal(t, want, ev.Profile)
	assert.False(t, ev.Profile.ConversionHire)
}

func TestConversionHire(t *testing.T) {
	old := withPriority(stored("1001", profile.ADEnabled, profile.EmployeeID, "C-7"), 2)
	old.SourceOfTruth = "Workday Contractors"
	row := person("1001")

	ev := only(t, rows(row), []profile.Profile{old}, settings())
	assert.Equal(t, UpdateUser, ev.Type)
	assert.Equal(t, map[string]profile.Change{
		profile.EmployeeID:        {Old: "C-7", New: "1001"},
		profile.SourcePriorityKey: {Old: "2", New: "1"},
	}, ev.ChangedFields)
	assert.Equal(t, "A conversion hire was detected.\n"+
		`employeeid: "C-7" → "1001"`+"\n"+
		`sourcepriority: "2" → "1"`, ev.Details)
	assert.True(t, ev.Profile.ConversionHire)
	assert.Equal(t, 1, ev.Profile.SourcePriority)
	assert.Equal(t, "Workday", ev.Profile.SourceOfTruth)
	assert.Equal(t, row, ev.Profile.Fields)
	assert.Equal(t, old.Fields, ev.Profile.OldUserData)
	assert.Equal(t, profile.ADEnabled, ev.Profile.ADStatus)
}

func TestLifecycleProfiles(t *testing.T) {
	apps := []string{"okta-slack"}
	base := func(ad profile.ADStatus, kv ...string) profile.Profile {
		p := stored("1001", ad, kv...)
		p.Applications = apps
		p.OldUserData = profile.Fields{profile.Email: "old@example.com"}
		return p
	}
	tests := []struct {
		name   string
		stored profile.Profile
		row    profile.Fields
		s      Settings
		typ    EventType
		want   func(old profile.Profile, row profile.Fields) profile.Profile
	}{
		{name: "AD activation keeps the stored fields", stored: base(profile.ADPending),
			row: person("1001", profile.Department, "Later"), s: settings(), typ: ADActivation,
			want: func(old profile.Profile, _ profile.Fields) profile.Profile {
				old.ADStatus = profile.ADEnabled
				return old
			}},
		{name: "AD deactivation back to pending", stored: base(profile.ADEnabled, profile.HireDate, date(1)),
			row: person("1001", profile.HireDate, date(30)), s: Settings{SourcePriority: 1, DaysBeforeHireToEnableAD: days(7)}, typ: ADDeactivation,
			want: func(old profile.Profile, _ profile.Fields) profile.Profile {
				old.ADStatus = profile.ADPending
				return old
			}},
		{name: "rehire takes the row, pending AD", stored: base(profile.ADDisabled, profile.EmploymentStatus, profile.StatusTerminated),
			row: person("1001", profile.PrehireFlag, "true", profile.RehiredEmployee, "Yes"), s: settings(), typ: RehireUser,
			want: func(old profile.Profile, row profile.Fields) profile.Profile {
				p := old
				p.Fields, p.ADStatus, p.OldUserData = row, profile.ADPending, old.Fields
				return p
			}},
		{name: "termination takes the row, disabled AD", stored: base(profile.ADEnabled),
			row: person("1001", profile.EmploymentStatus, profile.StatusTerminated), s: settings(), typ: TerminateUser,
			want: func(old profile.Profile, row profile.Fields) profile.Profile {
				old.Fields, old.ADStatus = row, profile.ADDisabled
				return old
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := only(t, rows(tc.row), []profile.Profile{tc.stored}, tc.s)
			assert.Equal(t, tc.typ, ev.Type)
			assert.Equal(t, tc.want(tc.stored, tc.row), ev.Profile)
		})
	}
}

func TestEventDetails(t *testing.T) {
	s := Settings{SourcePriority: 1, DaysBeforeHireToEnableAD: days(7)}
	for typ, c := range map[EventType]struct {
		stored profile.Profile
		row    profile.Fields
		want   string
	}{
		ADActivation:   {stored("1001", profile.ADPending), person("1001"), "Active Directory user account was enabled."},
		ADDeactivation: {stored("1001", profile.ADEnabled), person("1001", profile.HireDate, date(8)), "Active Directory user account was disabled due to hire date postponement."},
		RehireUser:     {stored("1001", profile.ADDisabled), person("1001", profile.PrehireFlag, "true", profile.RehiredEmployee, "Yes"), "The user has been rehired."},
		TerminateUser:  {stored("1001", profile.ADEnabled), person("1001", profile.TerminationDate, date(0)), "The user has been terminated."},
	} {
		ev := only(t, rows(c.row), []profile.Profile{c.stored}, s)
		assert.Equal(t, typ, ev.Type)
		assert.Equal(t, c.want, ev.Details, typ)
	}
}

func TestRehireCarriesChanges(t *testing.T) {
	ev := only(t, rows(person("1001", profile.PrehireFlag, "true", profile.RehiredEmployee, "Yes")),
		[]profile.Profile{stored("1001", profile.ADDisabled)}, settings())
	assert.Equal(t, map[string]profile.Change{
		profile.PrehireFlag:     {Old: "false", New: "true"},
		profile.RehiredEmployee: {Old: "No", New: "Yes"},
	}, ev.ChangedFields)
}

func TestDisplayNameCollision(t *testing.T) {
	holder := stored("1002", profile.ADEnabled, profile.DisplayName, "Ann Lee")

	t.Run("new hire: the row's profile, for review", func(t *testing.T) {
		row := person("1001", profile.DisplayName, "Ann Lee")
		res := Detect(rows(row, person("1002", profile.DisplayName, "Ann Lee")), []profile.Profile{holder}, nil, settings(), now)
		require.Len(t, res.Events, 1)
		ev := res.Events[0]
		assert.Equal(t, SyncUser, ev.Type)
		assert.Equal(t, NewHire, ev.Intended)
		assert.Equal(t, `Detected an "IAM - New Hire" event, but display name already exists. Please review.`, ev.Details)
		assert.Equal(t, profile.Profile{Fields: row, ADStatus: profile.ADPending, SourcePriority: 1, SourceOfTruth: "Workday"}, ev.Profile)
	})
	t.Run("update: the stored profile, with the changes", func(t *testing.T) {
		mine := stored("1001", profile.ADEnabled)
		res := Detect(rows(person("1001", profile.DisplayName, "Ann Lee"), person("1002", profile.DisplayName, "Ann Lee")),
			[]profile.Profile{mine, holder}, nil, settings(), now)
		require.Len(t, res.Events, 1)
		ev := res.Events[0]
		assert.Equal(t, SyncUser, ev.Type)
		assert.Equal(t, UpdateUser, ev.Intended)
		assert.Equal(t, `Detected an "IAM - Update User" event, but display name already exists. Please review.`+"\n"+
			`displayname: "Person 1001" → "Ann Lee"`, ev.Details)
		assert.Equal(t, map[string]profile.Change{profile.DisplayName: {Old: "Person 1001", New: "Ann Lee"}}, ev.ChangedFields)
		assert.Equal(t, mine, ev.Profile)
	})
}

func TestOrphanEvent(t *testing.T) {
	p := stored("1001", profile.ADEnabled, profile.Email, "Ann@Example.com")
	res := Detect(nil, []profile.Profile{p}, nil, settings(), now)
	require.Len(t, res.Events, 1)
	assert.Equal(t, Event{
		Type:       SyncUser,
		EmployeeID: "1001",
		Email:      "ann@example.com",
		Details:    "An orphan user was detected (could not find the user in the Workday report). Please review and terminate if necessary.",
		Profile:    p,
	}, res.Events[0])
	assert.Equal(t, 0, res.Seen)
}

func TestEventOrder(t *testing.T) {
	res := Detect(
		rows(
			person("1003", profile.EmploymentStatus, profile.StatusTerminated),
			person("1001"),
			person("1002", profile.Department, "Engineering"),
			person("0999", profile.Email, ""),
		),
		[]profile.Profile{stored("1004", profile.ADEnabled), stored("1003", profile.ADEnabled), stored("1002", profile.ADEnabled), stored("1000", profile.ADEnabled)},
		nil, settings(), now)
	assert.Equal(t, []string{
		"1000 IAM - Sync User orphan",
		"1001 IAM - New Hire",
		"1002 IAM - Update User",
		"1003 IAM - Terminate User",
		"1004 IAM - Sync User orphan",
		"error: row 4 (employee 0999): missing email",
	}, summary(res))
}

// today is the calendar date in the clock's own location, whatever UTC says.
func TestTodayIsLocal(t *testing.T) {
	newYork := time.FixedZone("UTC-5", -5*60*60)
	tokyo := time.FixedZone("UTC+9", 9*60*60)
	row := rows(person("1001", profile.TerminationDate, "2024-06-16"))
	p := []profile.Profile{stored("1001", profile.ADEnabled)}

	late := time.Date(2024, 6, 15, 23, 30, 0, 0, newYork) // already 16 June in UTC
	res := Detect(row, p, nil, settings(), late)
	assert.Equal(t, []string{"1001 IAM - Update User"}, summary(res))

	early := time.Date(2024, 6, 16, 0, 30, 0, 0, tokyo) // still 15 June in UTC
	res = Detect(row, p, nil, settings(), early)
	assert.Equal(t, []string{"1001 IAM - Terminate User"}, summary(res))
}

func TestRowErrorMessage(t *testing.T) {
	assert.Equal(t, "row 12 (employee 1012): missing email", RowError{Row: 12, EmployeeID: "1012", Reason: "missing email"}.Error())
	assert.Equal(t, "row 3 (email a@example.com): missing employee id", RowError{Row: 3, Email: "a@example.com", Reason: "missing employee id"}.Error())
	assert.Equal(t, "row 4: bad row", RowError{Row: 4, Reason: "bad row"}.Error())
}
