package hrsync

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
	"github.com/ilm-dev/ilm/store/storetest"
)

var syncNow = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// report writes a report of valid people and of invalid ones (no email) and returns its path.
func report(t *testing.T, valid, invalid int) string {
	t.Helper()
	entries := []map[string]any{}
	for i := range valid + invalid {
		row := map[string]any{
			"Emp_ID": fmt.Sprintf("1%03d", i), "Email_Address": fmt.Sprintf("p%03d@example.com", i),
			"Preferred_Name": fmt.Sprintf("Person %03d", i), "Employment_Status": "Active", "Last_Hire_Date": "2020-03-02",
		}
		if i < invalid {
			delete(row, "Email_Address")
		}
		entries = append(entries, row)
	}
	b, err := json.Marshal(map[string]any{"Report_Entry": entries})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "report.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

// newPlanner plans the instance "workday" (with the extra YAML keys) on a fresh store.
func newPlanner(t *testing.T, extra string) *Planner {
	t.Helper()
	cfg, err := config.Parse([]byte("instances:\n  - {name: workday, type: workday, report_url: \"file:unused.json\", sync_on_first_run: true" + extra + "}\n"))
	require.NoError(t, err)
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return &Planner{Config: cfg, Store: st}
}

// An initial sync of an empty or mostly invalid report is refused: nothing saved, and the
// next poll is still the initial sync. --force overrides the refusal and says so.
func TestInitialSyncRefusesABrokenReport(t *testing.T) {
	tests := []struct {
		name           string
		extra          string
		valid, invalid int
		force          bool
		refusal        string
		overrode       []string
	}{
		{name: "empty report", refusal: `instance "workday": initial sync refused: the report has no rows; nothing saved`},
		{name: "11% invalid", valid: 89, invalid: 11,
			refusal: `instance "workday": initial sync refused: 11 of 100 rows are invalid (11.0%, more than initial_sync_max_row_error_percent 10); nothing saved`},
		{name: "10% invalid", valid: 90, invalid: 10},
		{name: "a share of its own", extra: ", initial_sync_max_row_error_percent: 20", valid: 80, invalid: 20},
		{name: "a share of its own, above", extra: ", initial_sync_max_row_error_percent: 5", valid: 94, invalid: 6,
			refusal: "6 of 100 rows are invalid (6.0%, more than initial_sync_max_row_error_percent 5)"},
		{name: "forced empty report", force: true, overrode: []string{"the report has no rows"}},
		{name: "forced 11% invalid", valid: 89, invalid: 11, force: true,
			overrode: []string{"11 of 100 rows are invalid (11.0%, more than initial_sync_max_row_error_percent 10)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			p := newPlanner(t, tc.extra)
			opts := Options{Report: report(t, tc.valid, tc.invalid), Now: syncNow, Force: tc.force}
			sum, err := p.InitialSync(ctx, "workday", opts)
			pending, perr := p.NeedsInitialSync(ctx, "workday")
			require.NoError(t, perr)
			n := len(storetest.Profiles(t, p.Store))
			if tc.refusal != "" {
				require.ErrorIs(t, err, ErrInitialSyncRefused)
				assert.Contains(t, err.Error(), tc.refusal)
				assert.True(t, pending, "the instance stays unsynced")
				assert.Zero(t, n, "nothing saved")
				return
			}
			require.NoError(t, err)
			assert.False(t, pending)
			assert.Equal(t, tc.valid, n)
			assert.Equal(t, SyncSummary{Instance: "workday", Rows: tc.valid + tc.invalid, Created: tc.valid,
				Skipped: sum.Skipped, Invalid: tc.invalid, Overrode: tc.overrode}, sum)
			assert.Len(t, sum.Skipped, tc.invalid)
		})
	}
}

// --force on a synced instance says it ran again, and over a broken report says that too.
func TestForcedInitialSyncSaysWhatItOverrode(t *testing.T) {
	ctx := context.Background()
	p := newPlanner(t, "")
	_, err := p.InitialSync(ctx, "workday", Options{Report: report(t, 10, 0), Now: syncNow})
	require.NoError(t, err)

	_, err = p.InitialSync(ctx, "workday", Options{Report: report(t, 10, 0), Now: syncNow})
	require.ErrorIs(t, err, ErrAlreadySynced)

	sum, err := p.InitialSync(ctx, "workday", Options{Report: report(t, 0, 0), Now: syncNow, Force: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"the instance was already synced", "the report has no rows"}, sum.Overrode)
}
