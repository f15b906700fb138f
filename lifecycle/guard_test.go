package lifecycle

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
)

// shipped is the guard the config gives an instance without guard keys.
var shipped = Guard{AccessRemovals: Limit{Max: 100, MaxPercent: 20}, CredentialGrants: Limit{Max: 100, MaxPercent: 20}}

// loose bounds nothing but what a test sets.
var loose = Limit{Max: 1 << 30, MaxPercent: 1 << 30}

func TestJudge(t *testing.T) {
	removals := func(l Limit) Guard { return Guard{AccessRemovals: l, CredentialGrants: loose} }
	grants := func(l Limit) Guard { return Guard{AccessRemovals: loose, CredentialGrants: l} }
	tests := []struct {
		name   string
		guard  Guard
		counts GuardCounts
		active int
		reason string
	}{
		{name: "count at the bound", guard: removals(Limit{Max: 25, MaxPercent: 100}), counts: GuardCounts{Terminations: 20, ADDeactivations: 3, Orphans: 2}, active: 1000},
		{name: "count one above", guard: removals(Limit{Max: 25, MaxPercent: 100}), counts: GuardCounts{Terminations: 21, ADDeactivations: 3, Orphans: 2}, active: 1000,
			reason: "mass-change guard: 26 access removals (21 terminations, 3 AD deactivations, 2 orphans) exceed max_access_removals 25"},
		{name: "orphans alone", guard: removals(Limit{Max: 25, MaxPercent: 100}), counts: GuardCounts{Orphans: 26}, active: 1000,
			reason: "mass-change guard: 26 access removals (0 terminations, 0 AD deactivations, 26 orphans) exceed max_access_removals 25"},
		{name: "AD deactivations alone", guard: removals(Limit{Max: 100, MaxPercent: 20}), counts: GuardCounts{ADDeactivations: 40}, active: 40,
			reason: "mass-change guard: 40 access removals (0 terminations, 40 AD deactivations, 0 orphans) exceed max_access_removal_percent 20 (100.0% of 40 active)"},
		{name: "percent at the bound", guard: removals(Limit{Max: 100, MaxPercent: 10}), counts: GuardCounts{Terminations: 8, Orphans: 2}, active: 100},
		{name: "percent one above", guard: removals(Limit{Max: 100, MaxPercent: 10}), counts: GuardCounts{Terminations: 9, Orphans: 2}, active: 100,
			reason: "mass-change guard: 11 access removals (9 terminations, 0 AD deactivations, 2 orphans) exceed max_access_removal_percent 10 (11.0% of 100 active)"},
		{name: "fractional percent", guard: removals(Limit{Max: 100, MaxPercent: 12.5}), counts: GuardCounts{Terminations: 2}, active: 16},
		{name: "fractional percent above", guard: removals(Limit{Max: 100, MaxPercent: 12.5}), counts: GuardCounts{Terminations: 3}, active: 16,
			reason: "mass-change guard: 3 access removals (3 terminations, 0 AD deactivations, 0 orphans) exceed max_access_removal_percent 12.5 (18.8% of 16 active)"},
		{name: "no share without active people", guard: grants(Limit{Max: 100, MaxPercent: 20}), counts: GuardCounts{NewHires: 50}},
		{name: "the count bounds without active people", guard: grants(Limit{Max: 100, MaxPercent: 20}), counts: GuardCounts{NewHires: 101},
			reason: "mass-change guard: 101 credential grants (101 new hires, 0 AD activations, 0 rehires) exceed max_credential_grants 100"},
		{name: "both bounds", guard: removals(Limit{Max: 5, MaxPercent: 10}), counts: GuardCounts{Terminations: 30, Orphans: 2}, active: 100,
			reason: "mass-change guard: 32 access removals (30 terminations, 0 AD deactivations, 2 orphans) exceed max_access_removals 5 and max_access_removal_percent 10 (32.0% of 100 active)"},
		{name: "grants count apart from removals", guard: shipped, counts: GuardCounts{Terminations: 15, NewHires: 15}, active: 100},
		{name: "grants above the share", guard: shipped, counts: GuardCounts{NewHires: 10, ADActivations: 8, Rehires: 3}, active: 100,
			reason: "mass-change guard: 21 credential grants (10 new hires, 8 AD activations, 3 rehires) exceed max_credential_grant_percent 20 (21.0% of 100 active)"},
		{name: "a grant share may pass 100", guard: grants(Limit{Max: 100, MaxPercent: 250}), counts: GuardCounts{NewHires: 25}, active: 10},
		{name: "both limits trip", guard: shipped, counts: GuardCounts{Orphans: 40, NewHires: 40}, active: 40,
			reason: "mass-change guard: 40 access removals (0 terminations, 0 AD deactivations, 40 orphans) exceed max_access_removal_percent 20 (100.0% of 40 active); " +
				"40 credential grants (40 new hires, 0 AD activations, 0 rehires) exceed max_credential_grant_percent 20 (100.0% of 40 active)"},
		{name: "zero allows none", guard: Guard{}, counts: GuardCounts{Rehires: 1}, active: 1000,
			reason: "mass-change guard: 1 credential grants (0 new hires, 0 AD activations, 1 rehires) exceed max_credential_grants 0 and max_credential_grant_percent 0 (0.1% of 1000 active)"},
		{name: "zero allows an empty plan", guard: Guard{}, active: 1000},
		{name: "disabled", guard: Guard{Disabled: true}, counts: GuardCounts{Terminations: 1000, NewHires: 1000}, active: 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := judge(tc.guard, tc.counts, tc.active)
			assert.Equal(t, GuardVerdict{
				Tripped: tc.reason != "", Reason: tc.reason, Disabled: tc.guard.Disabled,
				Counts: tc.counts, Active: tc.active,
			}, v)
		})
	}
}

// guardReport has ten active people (and one disabled, who does not count): terminated rows
// for the first t of them, no rows at all for the next o, unchanged rows for the rest.
func guardReport(t, o int) ([]Row, []profile.Profile) {
	var fields []profile.Fields
	var profiles []profile.Profile
	for i := range 10 {
		id := fmt.Sprintf("10%02d", i)
		profiles = append(profiles, stored(id, profile.ADEnabled))
		switch {
		case i < t:
			fields = append(fields, person(id, profile.EmploymentStatus, profile.StatusTerminated))
		case i < t+o:
		default:
			fields = append(fields, person(id))
		}
	}
	profiles = append(profiles, stored("2000", profile.ADDisabled, profile.EmploymentStatus, profile.StatusTerminated))
	return rows(fields...), profiles
}

func TestGuardOnReports(t *testing.T) {
	tests := []struct {
		name         string
		removals     Limit
		terms, orphs int
		tripped      bool
	}{
		{name: "terminations at the count", removals: Limit{Max: 3, MaxPercent: 100}, terms: 3},
		{name: "terminations above the count", removals: Limit{Max: 3, MaxPercent: 100}, terms: 4, tripped: true},
		{name: "terminations and orphans above the count", removals: Limit{Max: 3, MaxPercent: 100}, terms: 2, orphs: 2, tripped: true},
		{name: "at the percent", removals: Limit{Max: 100, MaxPercent: 30}, terms: 1, orphs: 2},
		{name: "above the percent", removals: Limit{Max: 100, MaxPercent: 30}, terms: 2, orphs: 2, tripped: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, ps := guardReport(tc.terms, tc.orphs)
			s := settings()
			s.Guard = Guard{AccessRemovals: tc.removals, CredentialGrants: loose}
			res := Detect(rs, ps, nil, s, now)
			assert.Equal(t, tc.tripped, res.Guard.Tripped, res.Guard.Reason)
			assert.Equal(t, GuardCounts{Terminations: tc.terms, Orphans: tc.orphs}, res.Guard.Counts)
			assert.Equal(t, 10, res.Guard.Active)
			assert.Len(t, res.Events, tc.terms+tc.orphs, "a tripped result still lists every event")
		})
	}
}

// forty is a company of forty active people, each with an enabled AD account, hired a year
// ago, for the floods of the issue that made the guard default: change picks the report row
// of person i.
func forty(change func(i int, id string) profile.Fields) ([]Row, []profile.Profile) {
	var fields []profile.Fields
	var profiles []profile.Profile
	for i := range 40 {
		id := fmt.Sprintf("1%03d", i)
		profiles = append(profiles, stored(id, profile.ADEnabled))
		fields = append(fields, change(i, id))
	}
	return rows(fields...), profiles
}

// The guard an instance gets without guard keys stops each flood: the counts say which.
func TestShippedGuardStopsFloods(t *testing.T) {
	tests := []struct {
		name   string
		change func(i int, id string) profile.Fields
		counts GuardCounts
		reason string
	}{
		{
			name: "12 of 40 terminated",
			change: func(i int, id string) profile.Fields {
				if i < 12 {
					return person(id, profile.EmploymentStatus, profile.StatusTerminated)
				}
				return person(id)
			},
			counts: GuardCounts{Terminations: 12},
			reason: "max_access_removal_percent 20 (30.0% of 40 active)",
		},
		{
			name:   "every hire date moved out of the activation window",
			change: func(_ int, id string) profile.Fields { return person(id, profile.HireDate, date(30)) },
			counts: GuardCounts{ADDeactivations: 40},
			reason: "max_access_removal_percent 20 (100.0% of 40 active)",
		},
		{
			name: "a re-keyed report",
			change: func(_ int, id string) profile.Fields {
				return person("9"+id[1:], profile.Email, "new."+id+"@example.com")
			},
			counts: GuardCounts{Orphans: 40, NewHires: 40},
			reason: "max_credential_grant_percent 20 (100.0% of 40 active)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, ps := forty(tc.change)
			s := settings()
			s.DaysBeforeHireToEnableAD = days(3)
			s.Guard = shipped
			res := Detect(rs, ps, nil, s, now)
			assert.Equal(t, tc.counts, res.Guard.Counts)
			assert.True(t, res.Guard.Tripped)
			assert.Contains(t, res.Guard.Reason, tc.reason)
		})
	}
}

func TestGuardReason(t *testing.T) {
	rs, ps := guardReport(4, 1)
	s := settings()
	s.Guard = Guard{AccessRemovals: Limit{Max: 3, MaxPercent: 100}, CredentialGrants: loose}
	res := Detect(rs, ps, nil, s, now)
	assert.Equal(t, "mass-change guard: 5 access removals (4 terminations, 0 AD deactivations, 1 orphans) exceed max_access_removals 3", res.Guard.Reason)
}

// Terminations dropped by a post-filter are not counted, nor are the reviews of a display
// name collision: they take nothing away.
func TestGuardCountsRaisedEventsOnly(t *testing.T) {
	s := settings()
	s.Guard = Guard{AccessRemovals: Limit{Max: 1, MaxPercent: 100}, CredentialGrants: Limit{Max: 0, MaxPercent: 100}}
	res := Detect(rows(
		person("1001", profile.EmploymentStatus, profile.StatusTerminated),
		person("1002", profile.TerminationDate, date(-3)),
		person("1003", profile.DisplayName, "Person 1002"),
	), []profile.Profile{stored("1001", profile.ADEnabled, profile.TerminationTrigger, "TUFE"), stored("1002", profile.ADEnabled)}, nil, s, now)
	require.Equal(t, []string{"1002 IAM - Terminate User", "1003 IAM - Sync User (was IAM - New Hire)"}, summary(res))
	assert.Equal(t, GuardVerdict{Counts: GuardCounts{Terminations: 1}, Active: 2}, res.Guard)
}

// A disabled guard still counts, so the poll can say what it let through.
func TestDisabledGuardCounts(t *testing.T) {
	rs, ps := guardReport(10, 0)
	s := settings()
	s.Guard = Guard{Disabled: true}
	res := Detect(rs, ps, nil, s, now)
	assert.Equal(t, GuardVerdict{Disabled: true, Counts: GuardCounts{Terminations: 10}, Active: 10}, res.Guard)
}
