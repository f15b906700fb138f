package lifecycle

import (
	"fmt"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// now is the clock of every test: 15 June 2024, mid-morning UTC.
var now = time.Date(2024, 6, 15, 10, 0, 0, 0, time.UTC)

// absent, as a value in a field override, removes the key.
const absent = "\x00absent"

// date is the calendar date offset days from now.
func date(offset int) string { return now.AddDate(0, 0, offset).Format(profile.DateLayout) }

func days(n int) *int { return &n }

// person is the report fields of employee id, hired a year ago, with overrides as key, value
// pairs.
func person(id string, kv ...string) profile.Fields {
	f := profile.Fields{
		profile.EmployeeID:       id,
		profile.Email:            "p" + id + "@example.com",
		profile.Username:         "p" + id + "@example.com",
		profile.DisplayName:      "Person " + id,
		profile.GivenName:        "Person",
		profile.Surname:          id,
		profile.Department:       "Sales",
		profile.HireDate:         date(-365),
		profile.EmploymentStatus: profile.StatusActive,
		profile.PrehireFlag:      "false",
		profile.RehiredEmployee:  "No",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == absent {
			delete(f, kv[i])
		} else {
			f[kv[i]] = kv[i+1]
		}
	}
	return f
}

// stored is the stored profile of employee id in source priority 1.
func stored(id string, ad profile.ADStatus, kv ...string) profile.Profile {
	return profile.Profile{Fields: person(id, kv...), ADStatus: ad, SourcePriority: 1, SourceOfTruth: "Workday"}
}

func withPriority(p profile.Profile, prio int) profile.Profile {
	p.SourcePriority = prio
	return p
}

// rows numbers field sets as report rows from 1.
func rows(fields ...profile.Fields) []Row {
	out := make([]Row, len(fields))
	for i, f := range fields {
		out[i] = Row{Number: i + 1, Fields: f}
	}
	return out
}

func settings() Settings { return Settings{Instance: "Workday", SourcePriority: 1} }

// summary is one line per event and error, for table comparisons.
func summary(res Result) []string {
	var out []string
	for _, e := range res.Events {
		s := fmt.Sprintf("%s %s", e.EmployeeID, e.Type)
		if e.Intended != "" {
			s += fmt.Sprintf(" (was %s)", e.Intended)
		}
		if e.Row == 0 {
			s += " orphan"
		}
		out = append(out, s)
	}
	for _, e := range res.Errors {
		out = append(out, "error: "+e.Error())
	}
	return out
}
