package lifecycle

import (
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// Detect compares a whole report with the stored profiles, as the tests' shorthand for a
// Detector fed every row. inFlight holds the employee ids
// with a running incident; now gives "today" as a calendar date in now's location.
func Detect(rows []Row, profiles []profile.Profile, inFlight map[string]bool, s Settings, now time.Time) Result {
	summaries := make([]profile.Summary, len(profiles))
	for i := range profiles {
		summaries[i] = profiles[i].Summary()
	}
	load := func(i int) (profile.Profile, error) { return profiles[i], nil }
	d := NewDetector(summaries, load, inFlight, s, now)
	for _, r := range rows {
		// Loading from the slice cannot fail, and nothing else in Add or Finish can.
		_ = d.Add(r)
	}
	res, _ := d.Finish()
	return res
}
