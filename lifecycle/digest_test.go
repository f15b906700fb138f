package lifecycle

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ilm-dev/ilm/profile"
)

// The digest stands for the plan: the same events give the same digest whatever the row
// order, and any change to what an event would do gives another.
func TestPlanDigest(t *testing.T) {
	profiles := []profile.Profile{stored("1001", profile.ADEnabled), stored("1002", profile.ADEnabled), stored("1003", profile.ADPending)}
	report := []profile.Fields{
		person("1001", profile.EmploymentStatus, profile.StatusTerminated),
		person("1002", profile.Department, "Engineering"),
		person("1004"),
	}
	digest := func(s Settings, fields ...profile.Fields) string {
		res := Detect(rows(fields...), profiles, nil, s, now)
		assert.Equal(t, PlanDigest(s.Instance, res.Events), res.Digest)
		return res.Digest
	}
	base := digest(settings(), report...)
	assert.Regexp(t, "^[0-9a-f]{64}$", base)
	assert.Equal(t, base, digest(settings(), report...), "the same report, the same digest")
	reversed := slices.Clone(report)
	slices.Reverse(reversed)
	assert.Equal(t, base, digest(settings(), reversed...), "row order is not part of the plan")

	other := settings()
	other.Instance = "Workday EU"
	changed := map[string]string{
		"another instance":       digest(other, report...),
		"another changed field":  digest(settings(), report[0], person("1002", profile.Department, "Legal"), report[2]),
		"another new hire field": digest(settings(), report[0], report[1], person("1004", profile.Title, "Analyst")),
		"another new hire":       digest(settings(), report[0], report[1], person("1005")),
		"one event fewer":        digest(settings(), report[0], report[1]),
		"terminated by date":     digest(settings(), person("1001", profile.TerminationDate, date(-1)), report[1], report[2]),
	}
	seen := map[string]string{base: "base"}
	for name, d := range changed {
		assert.NotContains(t, seen, d, "%s gives the digest of %s", name, seen[d])
		seen[d] = name
	}
}

// A plan with no event has a digest too: an accepted empty plan runs only while nothing is
// detected.
func TestPlanDigestOfNothing(t *testing.T) {
	assert.Regexp(t, "^[0-9a-f]{64}$", PlanDigest("Workday", nil))
	assert.NotEqual(t, PlanDigest("Workday", nil), PlanDigest("Workday EU", nil))
}
