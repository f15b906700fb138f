package hrsync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

// writeRows writes a report of rows and returns its path.
func writeRows(t *testing.T, rows []map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"Report_Entry": rows})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "report.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

// stockRow is person i in the stock Workday columns.
func stockRow(i int) map[string]any {
	return map[string]any{
		"Emp_ID": fmt.Sprintf("2%04d", i), "Email_Address": fmt.Sprintf("Given%d.Family%d@example.com", i, i),
		"Preferred_Name": fmt.Sprintf("Given%d Family%d", i, i), "Preferred_Name_-_First_Name": fmt.Sprintf("Given%d", i),
		"Preferred_Name_-_Last_Name": fmt.Sprintf("Family%d", i), "Department": []string{"Sales", "IT", "HR"}[i%3],
		"City": "Austin", "Employment_Status": "Active", "Last_Hire_Date": "2020-03-02", "Termination_Date": nil,
	}
}

// Planning reads the report one row at a time through one reused map and skips unchanged
// people on their stored digest. It must plan exactly what detection over rows decoded each
// into a map of its own, with every stored profile compared whole, plans: on a report with
// updates, renames, terminations, a rehire-free new hire, a missing person, invalid and
// duplicate rows, and rows whose column sets differ.
func TestPlanMatchesRowByRowDetection(t *testing.T) {
	const people = 300
	p := newPlanner(t, "")
	ctx := context.Background()
	var rows []map[string]any
	for i := range people {
		rows = append(rows, stockRow(i))
	}
	_, err := p.InitialSync(ctx, "workday", Options{Report: writeRows(t, rows), Now: syncNow})
	require.NoError(t, err)

	rows = rows[:people-1] // the last person is missing: an orphan
	for i, r := range rows {
		switch i % 10 {
		case 1:
			r["Department"] = "Reorganised"
		case 2:
			r["Email_Address"] = fmt.Sprintf("renamed%d@example.com", i)
			r["Preferred_Name"] = fmt.Sprintf("Renamed%d Family%d", i, i)
		case 3:
			r["Employment_Status"], r["Termination_Date"] = "Terminated", "2026-11-20"
		case 4:
			delete(r, "City") // a column gone: a change
		case 5:
			r["Title"] = "Lead" // a column no other row has
		case 6:
			if i%20 == 6 {
				delete(r, "Email_Address") // invalid
			}
		}
	}
	rows = append(rows, stockRow(people+1)) // a new hire
	dup := stockRow(7)
	dup["Email_Address"] = "someone.else@example.com"
	rows = append(rows, dup) // a duplicate employee id
	path := writeRows(t, rows)

	got, err := p.Plan(ctx, "workday", Options{Report: path, Now: syncNow})
	require.NoError(t, err)

	src, err := p.source("workday", path)
	require.NoError(t, err)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc struct {
		Rows []map[string]any `json:"Report_Entry"`
	}
	require.NoError(t, dec.Decode(&doc))
	var summaries []profile.Summary
	require.NoError(t, p.Store.ScanSummaries(ctx, func(s profile.Summary) error {
		s.Digest = profile.Digest{} // no digest: every stored profile is loaded and compared whole
		summaries = append(summaries, s)
		return nil
	}))
	load := func(i int) (profile.Profile, error) { return p.Store.GetProfile(ctx, summaries[i].EmployeeID) }
	d := lifecycle.NewDetector(summaries, load, nil, src.settings, syncNow)
	for n, cols := range doc.Rows {
		fields, err := src.mapper.MapFields(cols, mappers.Options{DateLayout: src.layout, Row: n + 1})
		require.NoError(t, d.Add(lifecycle.Row{Number: n + 1, Fields: fields, Err: err}))
	}
	want, err := d.Finish()
	require.NoError(t, err)

	assert.Equal(t, len(rows), got.Rows)
	assert.Equal(t, want, got.Result)
	counts := map[lifecycle.EventType]int{}
	for _, ev := range got.Result.Events {
		counts[ev.Type]++
	}
	// The report raises every kind it was built to: a plan of nothing would match too.
	assert.Equal(t, 1, counts[lifecycle.NewHire], "%v", counts)
	assert.NotZero(t, counts[lifecycle.UpdateUser], "%v", counts)
	assert.NotZero(t, counts[lifecycle.TerminateUser], "%v", counts)
	assert.NotEmpty(t, got.Result.Errors)
	assert.Equal(t, 1, got.Result.Guard.Counts.Orphans, "%+v", got.Result.Guard.Counts)
}
