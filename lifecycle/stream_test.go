package lifecycle

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
)

// fullPerson is a person with every stock field set, as a real report row has them.
func fullPerson(id string) profile.Fields {
	f := person(id)
	for _, k := range []string{
		profile.City, profile.CostCenter, profile.CostCenterCode, profile.CountryName, profile.EmployeeType,
		profile.JobCode, profile.JobFamily, profile.JobFunction, profile.Leadership, profile.Location,
		profile.LocationRegion, profile.ManagerEmailAddress, profile.ManagerName, profile.MobilePhone,
		profile.PersonalEmail, profile.State, profile.StreetAddress, profile.Title, profile.WorkPhone, profile.ZipCode,
	} {
		f[k] = k + " of " + id
	}
	f[profile.TerminationDate] = ""
	f[profile.LastDayOfWork] = ""
	return f
}

// population is a steady-state poll of n people: every profile stored, and every 100th
// person changed in one of several ways, so about 1% of rows raise something. With messy,
// some rows are also broken, duplicated, rehired or renamed.
func population(n int, messy bool) ([]Row, []profile.Profile) {
	profiles := make([]profile.Profile, 0, n)
	rs := make([]Row, 0, n+n/500)
	for i := range n {
		id := fmt.Sprintf("%07d", i)
		p := profile.Profile{Fields: fullPerson(id), ADStatus: profile.ADEnabled, SourcePriority: 1, SourceOfTruth: "Workday"}
		row := fullPerson(id)
		var err error
		if i%100 == 1 {
			switch i / 100 % 5 {
			case 0:
				row[profile.Department] = "Engineering"
			case 1:
				row[profile.EmploymentStatus] = profile.StatusTerminated
			case 2:
				row[profile.TerminationDate] = date(-1)
			case 3:
				p.ADStatus = profile.ADPending
			case 4:
				// Gone from the report (an orphan), and someone new hired.
				profiles = append(profiles, p)
				rs = append(rs, Row{Number: len(rs) + 1, Fields: fullPerson("N" + id)})
				continue
			}
		}
		if messy {
			switch i % 100 {
			case 5:
				delete(row, profile.HireDate)
			case 6:
				err = errors.New("mapping failed")
			case 7:
				rs = append(rs, Row{Number: len(rs) + 1, Fields: fullPerson(id)})
			case 8:
				p.ADStatus = profile.ADDisabled
				row[profile.PrehireFlag], row[profile.RehiredEmployee] = "true", "Yes"
			case 9:
				row[profile.DisplayName] = "Person 0000000"
			}
		}
		profiles = append(profiles, p)
		rs = append(rs, Row{Number: len(rs) + 1, Fields: row, Err: err})
	}
	return rs, profiles
}

// The streaming Detector gives what Detect gives, and holds no row: rows are wiped once added.
func TestDetectorStreamsLikeDetect(t *testing.T) {
	rs, profiles := population(5000, true)
	s := settings()
	s.Guard = Guard{AccessRemovals: Limit{Max: 10, MaxPercent: 100}, CredentialGrants: Limit{Max: 10, MaxPercent: 100}}
	inFlight := map[string]bool{"0000101": true}
	want := Detect(rs, profiles, inFlight, s, now)

	summaries := make([]profile.Summary, len(profiles))
	for i := range profiles {
		summaries[i] = profiles[i].Summary()
	}
	loaded := map[string]int{}
	load := func(i int) (profile.Profile, error) {
		loaded[profiles[i].EmployeeID()]++
		return profiles[i], nil
	}
	d := NewDetector(summaries, load, inFlight, s, now)
	for _, r := range rs {
		r.Fields = r.Fields.Clone()
		require.NoError(t, d.Add(r))
		clear(r.Fields)
	}
	got, err := d.Finish()
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// Only the people an event concerns are loaded: an unchanged row costs no load.
	evented := map[string]bool{}
	for _, e := range want.Events {
		if e.Type != NewHire {
			evented[e.EmployeeID] = true
		}
	}
	for id := range loaded {
		assert.True(t, evented[id], "employee %s loaded without an event", id)
	}
	assert.Less(t, len(loaded), len(profiles)/2)

	require.NotEmpty(t, want.Errors)
	assert.Equal(t, len(rs), want.Seen)
	assert.True(t, want.Guard.Tripped)
	kinds := map[EventType]int{}
	for _, e := range want.Events {
		kinds[e.Type]++
	}
	for _, k := range []EventType{NewHire, UpdateUser, TerminateUser, RehireUser, ADActivation, SyncUser} {
		assert.Positive(t, kinds[k], k)
	}

	again, err := d.Finish()
	require.NoError(t, err)
	assert.Equal(t, got, again, "Finish does not change the Detector")
}

// A profile that cannot be loaded fails the detection, naming the person.
func TestDetectorReportsLoadFailure(t *testing.T) {
	p := stored("1001", profile.ADEnabled)
	summaries := []profile.Summary{p.Summary()}
	load := func(int) (profile.Profile, error) { return profile.Profile{}, errors.New("database is locked") }
	d := NewDetector(summaries, load, nil, settings(), now)
	err := d.Add(rows(person("1001", profile.Department, "Engineering"))[0])
	require.ErrorContains(t, err, "load profile of employee 1001: database is locked")

	d = NewDetector(summaries, load, nil, settings(), now)
	_, err = d.Finish()
	require.ErrorContains(t, err, "load profile of employee 1001", "the orphan's profile is loaded too")
}

func BenchmarkDetect(b *testing.B) {
	rs, profiles := population(100_000, false)
	s := Settings{Instance: "Workday", SourcePriority: 1, DaysBeforeHireToEnableAD: days(7)}
	res := Detect(rs, profiles, nil, s, now)
	b.Logf("%d rows, %d profiles: %d events, %d errors", len(rs), len(profiles), len(res.Events), len(res.Errors))
	b.ReportAllocs()
	for b.Loop() {
		Detect(rs, profiles, nil, s, now)
	}
}

// A summary without a digest (a profile stored before digests were kept) never hides a
// change nor invents one: the profile is loaded and its fields compared whole.
func TestSummaryWithoutDigestComparesWhole(t *testing.T) {
	same, changed := stored("1001", profile.ADEnabled), stored("1002", profile.ADEnabled)
	summaries := []profile.Summary{same.Summary(), changed.Summary()}
	summaries[0].Digest, summaries[1].Digest = profile.Digest{}, profile.Digest{}
	profiles := []profile.Profile{same, changed}
	loads := 0
	load := func(i int) (profile.Profile, error) { loads++; return profiles[i], nil }

	d := NewDetector(summaries, load, nil, settings(), now)
	for _, r := range rows(person("1001"), person("1002", profile.Department, "Legal")) {
		require.NoError(t, d.Add(r))
	}
	res, err := d.Finish()
	require.NoError(t, err)
	assert.Equal(t, []string{"1002 IAM - Update User"}, summary(res))
	assert.Equal(t, 2, loads)
}
