package mappers

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/ilm-dev/ilm/profile"
)

// workdayRow is a typical Workday report row with every column the stock mapper reads,
// plus two it does not.
func workdayRow() map[string]any {
	return map[string]any{
		"City":                            "San Francisco",
		"Cost_Center_Description":         "Field Sales West",
		"Cost_Center_Code":                "CC-4100",
		"Country_Name":                    "United States of America",
		"Department":                      "Sales",
		"Preferred_Name":                  "Grace Hopper",
		"Email_Address":                   "Grace.Hopper@Example.com",
		"Emp_ID":                          "1007",
		"Employee_Type":                   "Regular",
		"Employment_Status":               "Active",
		"Preferred_Name_-_First_Name":     "Grace",
		"Last_Hire_Date":                  "2024-03-04-08:00",
		"Job_Code":                        "S-210",
		"Job_Family":                      "Sales",
		"Job_Function":                    "Account Management",
		"Last_Day_of_Work":                nil,
		"Preferred_Name_-_Last_Name":      "Hopper",
		"Leadership":                      "Individual Contributor",
		"Location":                        "San Francisco HQ",
		"Location_Region":                 "AMER",
		"Manager_Email_Address":           "ada.lovelace@example.com",
		"Manager_Preferred_Name":          "Ada Lovelace",
		"Public_Work_Mobile_Phone_Number": "+1 415 555 0107",
		"Email_-_Primary_Home":            "grace@home.example.net",
		"Prehire_Flag":                    "False",
		"Rehired_Employee":                "No",
		"State":                           "California",
		"Street_Address":                  "100 Market Street",
		"Termination_Date":                nil,
		"Termination_Trigger":             nil,
		"Title":                           "Account Executive",
		"Work_Phone":                      "+1 415 555 0100",
		"Postal_Code":                     "94105",
		"Has_Sabbatical":                  "0",
		"Worker_Documents":                []any{map[string]any{"Type": "Badge", "Number": "B-1007"}},
	}
}

func TestStockWorkdayIncoming(t *testing.T) {
	m, err := Stock("workday-incoming")
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.MapFields(workdayRow(), Options{Row: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := profile.Fields{
		profile.City:                "San Francisco",
		profile.CostCenter:          "Field Sales West",
		profile.CostCenterCode:      "CC-4100",
		profile.CountryName:         "United States of America",
		profile.Department:          "Sales",
		profile.DisplayName:         "Grace Hopper",
		profile.Email:               "grace.hopper@example.com",
		profile.EmployeeID:          "1007",
		profile.EmployeeType:        "Regular",
		profile.EmploymentStatus:    "Active",
		profile.GivenName:           "Grace",
		profile.HireDate:            "2024-03-04",
		profile.JobCode:             "S-210",
		profile.JobFamily:           "Sales",
		profile.JobFunction:         "Account Management",
		profile.Surname:             "Hopper",
		profile.Leadership:          "Individual Contributor",
		profile.Location:            "San Francisco HQ",
		profile.LocationRegion:      "AMER",
		profile.ManagerEmailAddress: "ada.lovelace@example.com",
		profile.ManagerName:         "Ada Lovelace",
		profile.MobilePhone:         "+1 415 555 0107",
		profile.PersonalEmail:       "grace@home.example.net",
		profile.PrehireFlag:         "false",
		profile.RehiredEmployee:     "No",
		profile.State:               "California",
		profile.StreetAddress:       "100 Market Street",
		profile.Title:               "Account Executive",
		profile.Username:            "grace.hopper@example.com",
		profile.WorkPhone:           "+1 415 555 0100",
		profile.ZipCode:             "94105",
	}
	if !reflect.DeepEqual(got, want) {
		for _, k := range profile.SortedKeys(profile.Diff(want, got)) {
			t.Errorf("%s = %q, want %q", k, got[k], want[k])
		}
	}

	term := workdayRow()
	term["Employment_Status"] = "Terminated"
	term["Termination_Date"] = "2026-11-27"
	term["Last_Day_of_Work"] = "2026-11-27-08:00"
	term["Termination_Trigger"] = "TUFE"
	got, err = m.MapFields(term, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		profile.TerminationDate: "2026-11-27", profile.LastDayOfWork: "2026-11-27",
		profile.TerminationTrigger: "TUFE", profile.EmploymentStatus: "Terminated",
	} {
		if got[k] != v {
			t.Errorf("terminated: %s = %q, want %q", k, got[k], v)
		}
	}
}

// Every stock profile field but the engine's own has a line in the stock mapper.
func TestStockWorkdayIncomingCoversProfile(t *testing.T) {
	m, err := Stock("workday-incoming")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, k := range m.Fields() {
		have[k] = true
	}
	for _, k := range []string{
		profile.City, profile.CostCenter, profile.CostCenterCode, profile.CountryName,
		profile.Department, profile.DisplayName, profile.Email, profile.EmployeeID,
		profile.EmployeeType, profile.EmploymentStatus, profile.GivenName, profile.HireDate,
		profile.JobCode, profile.JobFamily, profile.JobFunction, profile.LastDayOfWork,
		profile.Surname, profile.Leadership, profile.Location, profile.LocationRegion,
		profile.ManagerEmailAddress, profile.ManagerName, profile.MobilePhone,
		profile.PersonalEmail, profile.PrehireFlag, profile.RehiredEmployee, profile.State,
		profile.StreetAddress, profile.TerminationDate, profile.TerminationTrigger,
		profile.Title, profile.Username, profile.WorkPhone, profile.ZipCode,
	} {
		if !have[k] {
			t.Errorf("stock mapper has no %q", k)
		}
	}
}

// The sample reports map cleanly with the stock mapper.
func TestStockMapsExamples(t *testing.T) {
	m, err := Stock("workday-incoming")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"../examples/workday-report.json", "../examples/workday-report-day2.json"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var report struct{ Report_Entry []map[string]any }
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&report); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		prehires := 0
		for i, row := range report.Report_Entry {
			f, err := m.MapFields(row, Options{Row: i + 1})
			if err != nil {
				t.Errorf("%s: %v", path, err)
			}
			if f.Get(profile.EmployeeID) == "" || f.Get(profile.Email) == "" || f.Get(profile.HireDate) == "" {
				t.Errorf("%s row %d: missing key fields: %v", path, i+1, f)
			}
			if f[profile.PrehireFlag] == "true" {
				prehires++
			}
		}
		if prehires != 3 {
			t.Errorf("%s: %d prehires, want 3", path, prehires)
		}
	}
}

func BenchmarkMapFields(b *testing.B) {
	m, err := Stock("workday-incoming")
	if err != nil {
		b.Fatal(err)
	}
	row := workdayRow()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.MapFields(row, Options{Row: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONDecodeRow is the yardstick for BenchmarkMapFields: decoding the same row
// from the report, which every mapped row costs first.
func BenchmarkJSONDecodeRow(b *testing.B) {
	data, err := json.Marshal(workdayRow())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var row map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&row); err != nil {
			b.Fatal(err)
		}
	}
}
