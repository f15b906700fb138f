//go:build integration

package integration

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/workflows"
)

// A 1 MB name would make an update's input about 3 MB, past the dev server's payload limit,
// and its failed start used to keep everyone after that person from starting. It is a row
// error instead: that person raises nothing, and everyone else is updated.
func TestOversizedNameIsARowErrorAndOthersAreUpdated(t *testing.T) {
	h := newHarness(t)
	people := []int{1, 2, 3}
	rows := func(edit func(n int, row map[string]any)) {
		var out []map[string]any
		for _, n := range people {
			row := h.person(n, "2026-10-01")
			edit(n, row)
			out = append(out, row)
		}
		h.setReport(out...)
	}
	rows(func(int, map[string]any) {})
	for range 2 { // the new hires, then their AD activations
		rep, err := h.poll(day1)
		require.NoError(t, err)
		require.Equal(t, 3, rep.Started, "%+v", rep)
		for _, n := range people {
			h.waitDone(n)
		}
	}

	rows(func(n int, row map[string]any) {
		row["Department"] = "Engineering"
		if n == 2 {
			row["Preferred_Name"] = strings.Repeat("n", 1<<20)
		}
	})
	rep, err := h.poll(day1)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Started, "%+v", rep)
	assert.Equal(t, []string{fmt.Sprintf("row 2 (employee %s): displayname is 1048576 bytes long, more than max_field_bytes 4096", h.id(2))}, rep.RowErrors)
	for _, n := range []int{1, 3} {
		res := h.waitDone(n)
		assert.Equal(t, lifecycle.UpdateUser, res.Type)
		acct, _ := h.target.Account(h.id(n))
		assert.Equal(t, "Engineering", acct.Fields[profile.Department])
	}
	assert.Equal(t, "Sales", h.profile(2).Fields[profile.Department], "nothing done for the oversized row")
	assert.True(t, h.profile(2).IsActive())
}

// The dev server refuses an incident input past its payload limit, and the starter reports
// it as an error, not as "already running": the failure a poll reports and goes on past.
func TestStarterReportsAnInputPastThePayloadLimit(t *testing.T) {
	h := newHarness(t)
	starter := workflows.IncidentStarter{Client: h.client, Namespace: "default", TaskQueue: h.cfg.Temporal.TaskQueue}
	p := profile.Profile{Fields: profile.Fields{profile.EmployeeID: h.id(1), profile.Email: "x@example.com",
		profile.DisplayName: strings.Repeat("n", 3<<20)}}
	in := activities.NewIncident(h.cfg, "workday", lifecycle.Event{Type: lifecycle.NewHire, EmployeeID: h.id(1), Profile: p})

	_, started, err := starter.Start(h.ctx, in)
	require.Error(t, err)
	assert.False(t, started)
}
