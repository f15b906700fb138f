package storetest

import (
	"fmt"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// Person returns a realistic profile numbered i: every stock field set (34 of them), plus
// two custom fields, with employee id fmt.Sprintf("E%06d", i).
func Person(i int) profile.Profile {
	hire := time.Date(2015, 1, 5, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%3000)
	return profile.Profile{
		Fields: profile.Fields{
			profile.City:                "Springfield",
			profile.CostCenter:          "Engineering Platform",
			profile.CostCenterCode:      fmt.Sprintf("CC%04d", i%500),
			profile.CountryName:         "United States",
			profile.Department:          []string{"Engineering", "Finance", "Sales", "People"}[i%4],
			profile.DisplayName:         fmt.Sprintf("Given%d Family%d", i, i),
			profile.Email:               fmt.Sprintf("Given%d.Family%d@Example.com", i, i),
			profile.EmployeeID:          fmt.Sprintf("E%06d", i),
			profile.EmployeeType:        "Regular",
			profile.EmploymentStatus:    profile.StatusActive,
			profile.GivenName:           fmt.Sprintf("Given%d", i),
			profile.HireDate:            hire.Format(profile.DateLayout),
			profile.JobCode:             fmt.Sprintf("J%03d", i%120),
			profile.JobFamily:           "Software Engineering",
			profile.JobFunction:         "Engineering",
			profile.LastDayOfWork:       "",
			profile.Surname:             fmt.Sprintf("Family%d", i),
			profile.Leadership:          "Individual Contributor",
			profile.Location:            "HQ",
			profile.LocationRegion:      "AMER",
			profile.ManagerEmailAddress: fmt.Sprintf("manager%d@example.com", i%250),
			profile.ManagerName:         fmt.Sprintf("Manager %d", i%250),
			profile.MobilePhone:         fmt.Sprintf("+1 555 %07d", i),
			profile.PersonalEmail:       fmt.Sprintf("person%d@mail.example.org", i),
			profile.PrehireFlag:         "false",
			profile.RehiredEmployee:     "No",
			profile.State:               "IL",
			profile.StreetAddress:       fmt.Sprintf("%d Evergreen Terrace", i%1000),
			profile.TerminationDate:     "",
			profile.TerminationTrigger:  "",
			profile.Title:               "Software Engineer",
			profile.Username:            fmt.Sprintf("gfamily%d", i),
			profile.WorkPhone:           fmt.Sprintf("+1 555 %07d", i+1),
			profile.ZipCode:             "62704",
			"badgenumber":               fmt.Sprintf("B-%d", i),
			"tshirtsize":                "M",
		},
		ADStatus:       profile.ADEnabled,
		SourcePriority: 1,
		SourceOfTruth:  "Workday",
		Applications:   []string{"okta", "slack"},
	}
}
