// Package storetest is the test suite every store implementation passes, so that the
// backends behave the same.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// Run runs the suite, each test in parallel on a database of its own.
//
// open returns a store for the test t: on an empty database the first time it is called
// for t, and on that same database when called again for t after the first store was
// closed (the reopen test does). Run closes the stores; open cleans up the database.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, func(*testing.T) store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"NotFound", testNotFound},
		{"FindProfileByEmail", testFindProfileByEmail},
		{"Ordering", testOrdering},
		{"History", testHistory},
		{"InvalidProfile", testInvalidProfile},
		{"SaveProfiles", testSaveProfiles},
		{"SaveProfilesDuplicates", testSaveProfilesDuplicates},
		{"ScanProfiles", testScanProfiles},
		{"ScanSummaries", testScanSummaries},
		{"ConcurrentSaves", testConcurrentSaves},
		{"UpdateProfile", testUpdateProfile},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"PollLease", testPollLease},
		{"PollState", testPollState},
		{"AppMap", testAppMap},
		{"Reviewers", testReviewers},
		{"SetRoster", testSetRoster},
		{"AssignReviewer", testAssignReviewer},
		{"ReleaseReviewer", testReleaseReviewer},
		{"ConcurrentAssignments", testConcurrentAssignments},
		{"BreakerTrips", testBreakerTrips},
		{"BreakerProbe", testBreakerProbe},
		{"ResumeTarget", testResumeTarget},
		{"ReserveAccountName", testReserveAccountName},
		{"ConcurrentReservations", testConcurrentReservations},
		{"Reopen", testReopen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open)
		})
	}
}

// at is a record time with microseconds, the precision stores keep.
var at = time.Date(2025, 3, 1, 9, 30, 0, 123456000, time.UTC)

func rec(i int) store.Record {
	return store.Record{Actor: "ilm", Incident: fmt.Sprintf("NewHire-E%06d-%d", i, i), At: at.Add(time.Duration(i) * time.Minute)}
}

// openClosed opens a store that Close is called on when the test ends.
func openClosed(t *testing.T, open func(*testing.T) store.Store) store.Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

// stored is p as a store returns it after its first save at when.
func stored(p profile.Profile, when time.Time) profile.Profile {
	p.UpdatedAt = when
	p.Revision = 1
	return p
}

func testRoundTrip(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	p := Person(1)
	p.Fields["custom_Field Key"] = "  spaced value  "
	p.Fields["unicodefield"] = "Zoë Ñúñez — 東京 \"quoted\" \\ backslash"
	p.Fields["emptycustom"] = ""
	p.ADStatus = profile.ADPending
	p.SourcePriority = 2
	p.ConversionHire = true
	p.AcquisitionHire = true
	p.Applications = []string{"okta", "github", "zoom"}
	p.OldUserData = profile.Fields{profile.Email: "old@example.com", "legacyid": "L-1"}
	p.AccountName = "given1.family1"
	require.NoError(t, s.SaveProfile(ctx, p, rec(1)))

	got, err := s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, stored(p, at.Add(time.Minute)), got)

	// Zero lifecycle fields and nil lists and maps round-trip as they were given.
	q := profile.Profile{Fields: profile.Fields{profile.EmployeeID: "E000002"}}
	require.NoError(t, s.SaveProfile(ctx, q, rec(2)))
	got, err = s.GetProfile(ctx, "E000002")
	require.NoError(t, err)
	assert.Equal(t, stored(q, at.Add(2*time.Minute)), got)

	// Without a record time, the save is stamped now.
	before := time.Now().Add(-time.Second)
	require.NoError(t, s.SaveProfile(ctx, q, store.Record{Actor: "ilm"}))
	got, err = s.GetProfile(ctx, "E000002")
	require.NoError(t, err)
	assert.WithinRange(t, got.UpdatedAt, before, time.Now().Add(time.Second))
	assert.Equal(t, time.UTC, got.UpdatedAt.Location())
}

func testNotFound(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	_, err := s.GetProfile(ctx, "E404")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.FindProfileByEmail(ctx, "nobody@example.com")
	require.ErrorIs(t, err, store.ErrNotFound)

	// A profile without an email is not found by the empty email.
	require.NoError(t, s.SaveProfile(ctx, profile.Profile{Fields: profile.Fields{profile.EmployeeID: "E1"}}, rec(1)))
	_, err = s.FindProfileByEmail(ctx, "")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetProfile(ctx, "e1")
	require.ErrorIs(t, err, store.ErrNotFound, "employee ids are case-sensitive")
}

func testFindProfileByEmail(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	p := Person(7)
	p.Fields[profile.Email] = "Ada.Lovelace@Example.COM"
	require.NoError(t, s.SaveProfiles(ctx, []profile.Profile{Person(6), p, Person(8)}, rec(1)))

	for _, email := range []string{"ada.lovelace@example.com", "ADA.LOVELACE@EXAMPLE.COM", " Ada.Lovelace@Example.COM "} {
		got, err := s.FindProfileByEmail(ctx, email)
		require.NoError(t, err, email)
		assert.Equal(t, "E000007", got.EmployeeID(), email)
		assert.Equal(t, "Ada.Lovelace@Example.COM", got.Fields[profile.Email], "the field keeps its case")
	}
	_, err := s.FindProfileByEmail(ctx, "ada.lovelace@example.co")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testOrdering(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	assert.Empty(t, Profiles(t, s))

	ids := []string{"E300", "E1000", "A9", "E200", "Z1", "E2000", "a1", "E100"}
	for i, id := range ids {
		p := Person(i)
		p.Fields[profile.EmployeeID] = id
		require.NoError(t, s.SaveProfile(ctx, p, rec(i)))
	}
	want := []string{"A9", "E100", "E1000", "E200", "E2000", "E300", "Z1", "a1"} // bytewise

	assert.Equal(t, want, employeeIDs(Profiles(t, s)))
}

// Profiles returns every profile of s, in employee id order, failing t on a read error.
func Profiles(t testing.TB, s store.Store) []profile.Profile {
	t.Helper()
	var ps []profile.Profile
	require.NoError(t, s.ScanProfiles(t.Context(), func(p profile.Profile) error {
		ps = append(ps, p)
		return nil
	}))
	return ps
}

func employeeIDs(ps []profile.Profile) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.EmployeeID()
	}
	return ids
}

func testHistory(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	hs, err := s.History(ctx, "E000001")
	require.NoError(t, err)
	assert.Empty(t, hs)

	// A new person: every non-empty field and non-zero lifecycle field, from nothing.
	p := profile.Profile{
		Fields:         profile.Fields{profile.EmployeeID: "E000001", profile.Title: "Engineer", "custom": "x", "blank": ""},
		ADStatus:       profile.ADPending,
		SourcePriority: 2,
		Applications:   []string{"okta"},
	}
	r1 := store.Record{Actor: "workday-poller", Incident: "NewHire-E000001", At: at}
	require.NoError(t, s.SaveProfile(ctx, p, r1))

	// A change of title, custom field removed, AD enabled, conversion hire.
	p2 := profile.Profile{
		Fields:         profile.Fields{profile.EmployeeID: "E000001", profile.Title: "Senior Engineer", "blank": ""},
		ADStatus:       profile.ADEnabled,
		SourcePriority: 2,
		ConversionHire: true,
		Applications:   []string{"okta"},
		OldUserData:    profile.Fields{profile.Title: "Engineer"},
	}
	r2 := store.Record{Actor: "alice", Incident: "ADActivation-E000001", At: at.Add(time.Hour)}
	require.NoError(t, s.SaveProfile(ctx, p2, r2))

	// The same again, later: nothing changes but the update time.
	r3 := store.Record{Actor: "ilm", Incident: "Update-E000001", At: at.Add(2 * time.Hour)}
	require.NoError(t, s.SaveProfile(ctx, p2, r3))
	got, err := s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, r3.At, got.UpdatedAt)

	hs, err = s.History(ctx, "E000001")
	require.NoError(t, err)
	require.Len(t, hs, 2, "a save that changes nothing writes no history")
	assert.Equal(t, store.HistoryEntry{
		EmployeeID: "E000001", At: r1.At, Actor: r1.Actor, Incident: r1.Incident,
		Changes: map[string]profile.Change{
			profile.EmployeeID:         {Old: "", New: "E000001"},
			profile.Title:              {Old: "", New: "Engineer"},
			"custom":                   {Old: "", New: "x"},
			profile.ADAccountStatusKey: {Old: "", New: "Pending"},
			profile.SourcePriorityKey:  {Old: "0", New: "2"},
			profile.ApplicationsKey:    {Old: "[]", New: `["okta"]`},
		},
	}, hs[0])
	assert.Equal(t, store.HistoryEntry{
		EmployeeID: "E000001", At: r2.At, Actor: r2.Actor, Incident: r2.Incident,
		Changes: map[string]profile.Change{
			profile.Title:              {Old: "Engineer", New: "Senior Engineer"},
			"custom":                   {Old: "x", New: ""},
			profile.ADAccountStatusKey: {Old: "Pending", New: "Enabled"},
			profile.ConversionHireKey:  {Old: "false", New: "true"},
			profile.OldUserDataKey:     {Old: "{}", New: `{"title":"Engineer"}`},
		},
	}, hs[1])

	// History is per person.
	require.NoError(t, s.SaveProfile(ctx, Person(2), rec(2)))
	hs, err = s.History(ctx, "E000002")
	require.NoError(t, err)
	require.Len(t, hs, 1)
	assert.Equal(t, "E000002", hs[0].EmployeeID)
}

func testInvalidProfile(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	require.Error(t, s.SaveProfile(ctx, profile.Profile{Fields: profile.Fields{profile.Title: "No id"}}, rec(1)))
	require.Error(t, s.SaveProfile(ctx, profile.Profile{Fields: profile.Fields{profile.EmployeeID: "  "}}, rec(1)))

	// One bad profile fails the whole batch.
	bad := []profile.Profile{Person(1), {Fields: profile.Fields{profile.Title: "No id"}}, Person(3)}
	require.Error(t, s.SaveProfiles(ctx, bad, rec(1)))
	assert.Empty(t, Profiles(t, s))
}

// bulkSize is the size of the bulk save test: big enough to span many scan pages.
const bulkSize = 5000

func testSaveProfiles(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)
	require.NoError(t, s.SaveProfiles(ctx, nil, rec(0)))

	ps := make([]profile.Profile, bulkSize)
	for i := range ps {
		ps[i] = Person(bulkSize - i) // out of order
	}
	start := time.Now()
	require.NoError(t, s.SaveProfiles(ctx, ps, rec(1)))
	t.Logf("SaveProfiles of %d new profiles: %v", bulkSize, time.Since(start))

	all := Profiles(t, s)
	require.Len(t, all, bulkSize)
	for i, p := range all {
		require.Equal(t, stored(Person(i+1), rec(1).At), p)
	}
	for _, id := range []string{"E000001", "E002500", "E005000"} {
		hs, err := s.History(ctx, id)
		require.NoError(t, err)
		require.Len(t, hs, 1, id)
		assert.Equal(t, rec(1).Incident, hs[0].Incident)
		assert.Equal(t, profile.Change{Old: "", New: id}, hs[0].Changes[profile.EmployeeID])
	}

	// Again, with one change: one history row more, every update time moves.
	ps[0].Fields[profile.Title] = "Staff Engineer"
	start = time.Now()
	require.NoError(t, s.SaveProfiles(ctx, ps, rec(2)))
	t.Logf("SaveProfiles of %d existing profiles: %v", bulkSize, time.Since(start))
	changedID := ps[0].EmployeeID()
	hs, err := s.History(ctx, changedID)
	require.NoError(t, err)
	require.Len(t, hs, 2)
	assert.Equal(t, map[string]profile.Change{profile.Title: {Old: "Software Engineer", New: "Staff Engineer"}}, hs[1].Changes)
	hs, err = s.History(ctx, "E000001")
	require.NoError(t, err)
	assert.Len(t, hs, 1)
	got, err := s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, rec(2).At, got.UpdatedAt)
}

func testSaveProfilesDuplicates(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	first, second := Person(1), Person(1)
	second.Fields[profile.Department] = "Research"
	require.NoError(t, s.SaveProfiles(ctx, []profile.Profile{first, Person(2), second}, rec(1)))

	got, err := s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, "Research", got.Fields[profile.Department], "the later profile wins")
	hs, err := s.History(ctx, "E000001")
	require.NoError(t, err)
	require.Len(t, hs, 2)
	assert.Equal(t, map[string]profile.Change{profile.Department: {Old: first.Fields[profile.Department], New: "Research"}}, hs[1].Changes)
}

func testScanProfiles(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	ps := people(2500)
	require.NoError(t, s.SaveProfiles(ctx, ps, rec(1)))

	stop := errors.New("stop")
	calls := 0
	err := s.ScanProfiles(ctx, func(p profile.Profile) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	assert.Equal(t, 3, calls)

	// fn may use the store while the scan goes on.
	calls = 0
	require.NoError(t, s.ScanProfiles(ctx, func(p profile.Profile) error {
		if calls%500 == 0 {
			got, err := s.GetProfile(ctx, p.EmployeeID())
			if err != nil {
				return err
			}
			if got.EmployeeID() != p.EmployeeID() {
				return fmt.Errorf("got %s, want %s", got.EmployeeID(), p.EmployeeID())
			}
		}
		if want := fmt.Sprintf("E%06d", calls); p.EmployeeID() != want {
			return fmt.Errorf("scan %d: got %s, want %s", calls, p.EmployeeID(), want)
		}
		calls++
		return nil
	}))
	assert.Equal(t, len(ps), calls)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	require.Error(t, s.ScanProfiles(cctx, func(profile.Profile) error { return nil }))
}

// testScanSummaries: every profile's summary, in order, across pages, as profile.Summary
// makes it, whether the profile was saved alone or with many, and after it changed.
func testScanSummaries(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	ps := people(2100)
	ps[7].Fields[profile.EmploymentStatus] = " Terminated "
	ps[7].Fields[profile.TerminationTrigger] = "TUFE"
	ps[7].ADStatus = profile.ADDisabled
	ps[8].ConversionHire, ps[8].SourcePriority = true, 2
	require.NoError(t, s.SaveProfiles(ctx, ps[:2000], rec(1)))
	for i := 2000; i < len(ps); i++ {
		require.NoError(t, s.SaveProfile(ctx, ps[i], rec(i)))
	}
	ps[9].Fields[profile.DisplayName] = "Renamed Person"
	ps[9].Fields[profile.Department] = "Legal"
	require.NoError(t, s.SaveProfile(ctx, ps[9], rec(2)))

	var got []profile.Summary
	require.NoError(t, s.ScanSummaries(ctx, func(sum profile.Summary) error {
		got = append(got, sum)
		return nil
	}))
	require.Len(t, got, len(ps))
	for i, p := range ps {
		require.Equal(t, p.Summary(), got[i], "summary %d", i)
	}
	assert.Equal(t, "Terminated", got[7].EmploymentStatus)
	assert.False(t, got[7].IsActive())
	assert.Equal(t, "Renamed Person", got[9].DisplayName)
	assert.Equal(t, profile.DigestOf(ps[9].Fields), got[9].Digest)
	assert.NotEqual(t, got[9].Digest, Person(9).Summary().Digest, "the digest follows the fields")

	stop := errors.New("stop")
	calls := 0
	err := s.ScanSummaries(ctx, func(profile.Summary) error {
		if calls++; calls == 2 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	assert.Equal(t, 2, calls)
}

// testConcurrentSaves saves one person from many goroutines: every history row must start
// from what the row before it left.
func testConcurrentSaves(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	const workers, saves = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*saves)
	for w := range workers {
		wg.Go(func() {
			for i := range saves {
				p := Person(1)
				p.Fields[profile.Title] = fmt.Sprintf("title %d-%d", w, i)
				errs <- s.SaveProfile(ctx, p, rec(w*saves+i))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	hs, err := s.History(ctx, "E000001")
	require.NoError(t, err)
	require.Len(t, hs, workers*saves)
	// History is ordered by record time, not by commit: follow the chain instead.
	byOld := map[string]string{}
	for _, h := range hs {
		c := h.Changes[profile.Title]
		_, dup := byOld[c.Old]
		require.False(t, dup, "two saves changed the title from %q", c.Old)
		byOld[c.Old] = c.New
	}
	title, steps := "", 0
	for next, ok := byOld[title]; ok; next, ok = byOld[title] {
		title = next
		steps++
	}
	assert.Equal(t, workers*saves, steps, "history rows form one chain")
	got, err := s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, title, got.Fields[profile.Title], "the chain ends at the stored title")
}

func testPollState(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	got, err := s.GetPollState(ctx, "workday-prod")
	require.NoError(t, err)
	assert.Equal(t, store.PollState{Instance: "workday-prod"}, got)

	want := store.PollState{Instance: "workday-prod", InitialSyncDone: true, Cursor: `{"since":"2025-03-01T09:00:00Z"}`, UpdatedAt: at}
	require.NoError(t, s.SetPollState(ctx, want))
	got, err = s.GetPollState(ctx, "workday-prod")
	require.NoError(t, err)
	assert.Equal(t, want, got)

	want.Cursor = `{"since":"2025-03-02T09:00:00Z"}`
	want.UpdatedAt = time.Time{}
	before := time.Now().Add(-time.Second)
	require.NoError(t, s.SetPollState(ctx, want))
	got, err = s.GetPollState(ctx, "workday-prod")
	require.NoError(t, err)
	assert.Equal(t, want.Cursor, got.Cursor)
	assert.True(t, got.InitialSyncDone)
	assert.WithinRange(t, got.UpdatedAt, before, time.Now().Add(time.Second))

	other, err := s.GetPollState(ctx, "okta-prod")
	require.NoError(t, err)
	assert.Equal(t, store.PollState{Instance: "okta-prod"}, other)
}

func testAppMap(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	m, err := s.GetAppMap(ctx, "okta-prod")
	require.NoError(t, err)
	assert.Empty(t, m)

	slack := store.AppMapping{ApplicationID: "0oa3", Name: "slack", Label: "Slack", Instance: "scim-slack"}
	github := store.AppMapping{ApplicationID: "0oa1", Name: "github", Label: "GitHub", Instance: "scim-github"}
	zoom := store.AppMapping{ApplicationID: "0oa2", Name: "zoom", Label: "Zoom", Instance: "scim-zoom"}
	require.NoError(t, s.SetAppMap(ctx, "okta-prod", []store.AppMapping{slack, github, zoom}))
	require.NoError(t, s.SetAppMap(ctx, "okta-test", []store.AppMapping{zoom}))
	m, err = s.GetAppMap(ctx, "okta-prod")
	require.NoError(t, err)
	assert.Equal(t, []store.AppMapping{github, zoom, slack}, m)

	slack.Label = "Slack Enterprise"
	require.NoError(t, s.SetAppMap(ctx, "okta-prod", []store.AppMapping{slack}))
	m, err = s.GetAppMap(ctx, "okta-prod")
	require.NoError(t, err)
	assert.Equal(t, []store.AppMapping{slack}, m, "the map is replaced whole")
	m, err = s.GetAppMap(ctx, "okta-test")
	require.NoError(t, err)
	assert.Equal(t, []store.AppMapping{zoom}, m, "other instances keep theirs")

	// A failing replacement leaves the old map.
	require.Error(t, s.SetAppMap(ctx, "okta-prod", []store.AppMapping{github, github}))
	m, err = s.GetAppMap(ctx, "okta-prod")
	require.NoError(t, err)
	assert.Equal(t, []store.AppMapping{slack}, m)

	require.NoError(t, s.SetAppMap(ctx, "okta-prod", nil))
	m, err = s.GetAppMap(ctx, "okta-prod")
	require.NoError(t, err)
	assert.Empty(t, m)
}

func testReviewers(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := openClosed(t, open)

	rs, err := s.ListReviewers(ctx, "hr")
	require.NoError(t, err)
	assert.Empty(t, rs)

	bob := store.Reviewer{Role: "hr", Username: "bob", Email: "bob@example.com", OpenAssignments: 3, LastAssignedAt: at}
	alice := store.Reviewer{Role: "hr", Username: "alice", Email: "alice@example.com", OnCall: true}
	carol := store.Reviewer{Role: "it", Username: "carol", Email: "carol@example.com"}
	require.NoError(t, s.SetReviewers(ctx, "hr", []store.Reviewer{bob, alice}))
	require.NoError(t, s.SetReviewers(ctx, "it", []store.Reviewer{carol}))
	rs, err = s.ListReviewers(ctx, "hr")
	require.NoError(t, err)
	assert.Equal(t, []store.Reviewer{alice, bob}, rs)

	// The role argument decides the role.
	dave := store.Reviewer{Role: "ignored", Username: "dave", Email: "dave@example.com", LastAssignedAt: at.Add(time.Hour)}
	require.NoError(t, s.SetReviewers(ctx, "hr", []store.Reviewer{dave}))
	rs, err = s.ListReviewers(ctx, "hr")
	require.NoError(t, err)
	dave.Role = "hr"
	assert.Equal(t, []store.Reviewer{dave}, rs, "the roster is replaced whole")
	rs, err = s.ListReviewers(ctx, "it")
	require.NoError(t, err)
	assert.Equal(t, []store.Reviewer{carol}, rs, "other roles keep theirs")

	require.NoError(t, s.SetReviewers(ctx, "hr", nil))
	rs, err = s.ListReviewers(ctx, "hr")
	require.NoError(t, err)
	assert.Empty(t, rs)
}

func testReopen(t *testing.T, open func(*testing.T) store.Store) {
	ctx := t.Context()
	s := open(t)
	require.NoError(t, s.SaveProfile(ctx, Person(1), rec(1)))
	state := store.PollState{Instance: "workday-prod", InitialSyncDone: true, Cursor: "{}", UpdatedAt: at}
	require.NoError(t, s.SetPollState(ctx, state))
	require.NoError(t, s.Close())

	s = openClosed(t, open) // and its migrations find nothing to do
	got, err := s.GetProfile(ctx, "E000001")
	require.NoError(t, err)
	assert.Equal(t, stored(Person(1), rec(1).At), got)
	hs, err := s.History(ctx, "E000001")
	require.NoError(t, err)
	assert.Len(t, hs, 1)
	ps, err := s.GetPollState(ctx, "workday-prod")
	require.NoError(t, err)
	assert.Equal(t, state, ps)
}
