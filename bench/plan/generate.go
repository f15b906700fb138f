package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/ilm-dev/ilm/hrsync"
)

var departments = []string{"Sales", "Engineering", "Finance", "HR", "IT", "Marketing", "Legal", "Support"}
var cities = []string{"London", "Austin", "Berlin", "Tel Aviv", "Singapore", "Toronto"}

// row is one generated person in the stock Workday columns.
func row(n int, r *rand.Rand) map[string]any {
	dept := departments[r.IntN(len(departments))]
	first, last := fmt.Sprintf("Given%d", n), fmt.Sprintf("Family%d", n)
	return map[string]any{
		"Emp_ID": fmt.Sprintf("%06d", n), "Email_Address": fmt.Sprintf("%s.%s@example.com", first, last),
		"Preferred_Name": first + " " + last, "Preferred_Name_-_First_Name": first, "Preferred_Name_-_Last_Name": last,
		"Department": dept, "Title": "Specialist", "City": cities[r.IntN(len(cities))], "Country_Name": "United States",
		"State": "TX", "Street_Address": fmt.Sprintf("%d Main St", n), "Postal_Code": "73301", "Location": "HQ",
		"Location_Region": "AMER", "Cost_Center_Description": dept + " cost center", "Cost_Center_Code": fmt.Sprintf("CC%03d", r.IntN(500)),
		"Employee_Type": "Regular", "Employment_Status": "Active", "Job_Code": "J100", "Job_Family": dept,
		"Job_Function": dept, "Leadership": "No", "Manager_Email_Address": "boss@example.com", "Manager_Preferred_Name": "The Boss",
		"Public_Work_Mobile_Phone_Number": "+1 555 0100", "Work_Phone": "+1 555 0101", "Email_-_Primary_Home": fmt.Sprintf("p%d@home.example", n),
		"Last_Hire_Date": fmt.Sprintf("20%02d-%02d-%02d", 15+r.IntN(10), 1+r.IntN(12), 1+r.IntN(28)),
		"Prehire_Flag":   "False", "Rehired_Employee": "No", "Termination_Date": nil, "Last_Day_of_Work": nil,
	}
}

// prepare writes the baseline report, syncs it into the store, then writes the report to plan:
// the same people with a share of them changed. Rows are made as they are written, the same
// ones twice from the same seed, so that a million of them need not be held.
func prepare(dir string, people int, changed float64) error {
	report := filepath.Join(dir, "report.json")
	if err := writeReport(report, people, nil); err != nil {
		return err
	}
	ctx := context.Background()
	p, st, err := planner(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := p.InitialSync(ctx, "workday", hrsync.Options{Now: benchNow})
	if err != nil {
		return err
	}
	if sum.Created != people {
		return fmt.Errorf("initial sync created %d profiles of %d", sum.Created, people)
	}
	changes := rand.New(rand.NewPCG(3, 4))
	return writeReport(report, people, func(row map[string]any) {
		if changes.Float64() < changed {
			row["Department"] = "Reorganised"
		}
	})
}

// writeReport writes the report of people generated rows, each passed to change (when set)
// before it is written.
func writeReport(path string, people int, change func(map[string]any)) error {
	r := rand.New(rand.NewPCG(1, 2))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	w.WriteString(`{"Report_Entry":[`)
	for i := range people {
		if i > 0 {
			w.WriteByte(',')
		}
		row := row(i+1, r)
		if change != nil {
			change(row)
		}
		b, err := json.Marshal(row)
		if err != nil {
			return err
		}
		w.Write(b)
	}
	w.WriteString("]}")
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
