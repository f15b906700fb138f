package lifecycle

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ilm-dev/ilm/profile"
)

func TestJudge(t *testing.T) {
	tests := []struct {
		name                          string
		guard                         Guard
		terminations, orphans, active int
		reason                        string
	}{
		{name: "no bounds", terminations: 1000, active: 1000},
		{name: "count at the bound", guard: Guard{MaxTerminations: 25}, terminations: 23, orphans: 2, active: 1000},
		{name: "count one above", guard: Guard{MaxTerminations: 25}, terminations: 24, orphans: 2, active: 1000,
			reason: "mass-change guard: 24 terminations and 2 orphans exceed max_terminations 25"},
		{name: "orphans alone", guard: Guard{MaxTerminations: 25}, orphans: 26, active: 1000,
			reason: "mass-change guard: 0 terminations and 26 orphans exceed max_terminations 25"},
		{name: "percent at the bound", guard: Guard{MaxTerminationPercent: 10}, terminations: 8, orphans: 2, active: 100},
		{name: "percent one above", guard: Guard{MaxTerminationPercent: 10}, terminations: 9, orphans: 2, active: 100,
			reason: "mass-change guard: 9 terminations and 2 orphans exceed max_termination_percent 10 (11.0% of 100 active)"},
		{name: "fractional percent", guard: Guard{MaxTerminationPercent: 12.5}, terminations: 2, active: 16},
		{name: "fractional percent above", guard: Guard{MaxTerminationPercent: 12.5}, terminations: 3, active: 16,
			reason: "mass-change guard: 3 terminations and 0 orphans exceed max_termination_percent 12.5 (18.8% of 16 active)"},
		{name: "percent without active people", guard: Guard{MaxTerminationPercent: 10}, terminations: 5},
		{name: "both bounds", guard: Guard{MaxTerminations: 5, MaxTerminationPercent: 10}, terminations: 30, orphans: 2, active: 100,
			reason: "mass-change guard: 30 terminations and 2 orphans exceed max_terminations 5 and max_termination_percent 10 (32.0% of 100 active)"},
		{name: "count bound only tripped", guard: Guard{MaxTerminations: 5, MaxTerminationPercent: 50}, terminations: 6, active: 100,
			reason: "mass-change guard: 6 terminations and 0 orphans exceed max_terminations 5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := judge(tc.guard, tc.terminations, tc.orphans, tc.active)
			assert.Equal(t, GuardVerdict{
				Tripped: tc.reason != "", Reason: tc.reason,
				Terminations: tc.terminations, Orphans: tc.orphans, Active: tc.active,
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
		guard        Guard
		terms, orphs int
		tripped      bool
	}{
		{name: "terminations at the count", guard: Guard{MaxTerminations: 3}, terms: 3},
		{name: "terminations above the count", guard: Guard{MaxTerminations: 3}, terms: 4, tripped: true},
		{name: "terminations and orphans above the count", guard: Guard{MaxTerminations: 3}, terms: 2, orphs: 2, tripped: true},
		{name: "at the percent", guard: Guard{MaxTerminationPercent: 30}, terms: 1, orphs: 2},
		{name: "above the percent", guard: Guard{MaxTerminationPercent: 30}, terms: 2, orphs: 2, tripped: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, ps := guardReport(tc.terms, tc.orphs)
			s := settings()
			s.Guard = tc.guard
			res := Detect(rs, ps, nil, s, now)
			assert.Equal(t, tc.tripped, res.Guard.Tripped, res.Guard.Reason)
			assert.Equal(t, tc.terms, res.Guard.Terminations)
			assert.Equal(t, tc.orphs, res.Guard.Orphans)
			assert.Equal(t, 10, res.Guard.Active)
			assert.Len(t, res.Events, tc.terms+tc.orphs, "a tripped result still lists every event")
		})
	}
}

func TestGuardReason(t *testing.T) {
	rs, ps := guardReport(4, 1)
	s := settings()
	s.Guard.MaxTerminations = 3
	res := Detect(rs, ps, nil, s, now)
	assert.Equal(t, "mass-change guard: 4 terminations and 1 orphans exceed max_terminations 3", res.Guard.Reason)
}

// Terminations dropped by a post-filter are not counted.
func TestGuardCountsRaisedTerminationsOnly(t *testing.T) {
	p := stored("1001", profile.ADEnabled, profile.TerminationTrigger, "TUFE")
	s := settings()
	s.Guard.MaxTerminations = 1
	res := Detect(rows(person("1001", profile.EmploymentStatus, profile.StatusTerminated), person("1002", profile.TerminationDate, date(-3))),
		[]profile.Profile{p, stored("1002", profile.ADEnabled)}, nil, s, now)
	assert.Equal(t, GuardVerdict{Terminations: 1, Active: 2}, res.Guard)
}
