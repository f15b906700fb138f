//go:build integration

package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store/storetest"
	"github.com/ilm-dev/ilm/workflows"
)

var day1 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// A report of new hires becomes incidents, accounts and profiles; the next report's changes
// become updates and a termination; the same report again starts nothing.
func TestWorkdayLifecycleOnTheDevServer(t *testing.T) {
	h := newHarness(t)
	h.setReport(h.person(1, "2026-10-01"), h.person(2, "2026-10-15"), h.person(3, "2026-11-20"))

	rep, err := h.poll(day1)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Rows)
	assert.Equal(t, 3, rep.Started, "three new hires")
	for n := 1; n <= 3; n++ {
		res := h.waitDone(n)
		assert.Equal(t, lifecycle.NewHire, res.Type)
		assert.True(t, res.ProfileSaved)
		require.Len(t, res.Results, 1)
		assert.Equal(t, connectors.OpCreate, res.Results[0].Action)
		p := h.profile(n)
		assert.Equal(t, profile.ADPending, p.ADStatus)
		assert.Equal(t, strings.ToLower(fmt.Sprintf("p.%s%d@example.com", h.prefix, n)), p.Email())
		acct, ok := h.target.Account(h.id(n))
		require.True(t, ok, "account created in the target")
		assert.False(t, acct.Active, "created disabled")
	}
	assert.Equal(t, 1, h.count(fmt.Sprintf(`EmployeeID = %q AND IncidentType = "IAM - New Hire"`, h.id(1)), 1),
		"the Web UI finds the incident by EmployeeID and IncidentType")

	// Next poll: hires 1 and 2 are within days_before_hire_to_enable_ad: AD activation.
	// Hire 3 is 18 days away: nothing.
	rep, err = h.poll(day1)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Started)
	h.waitDone(1)
	h.waitDone(2)
	assert.Equal(t, profile.ADEnabled, h.profile(1).ADStatus)
	assert.Equal(t, profile.ADPending, h.profile(3).ADStatus)

	// Day 2: person 1 moves to Engineering, person 2 is terminated.
	moved := h.person(1, "2026-10-01")
	moved["Department"] = "Engineering"
	gone := h.person(2, "2026-10-15")
	gone["Employment_Status"] = "Terminated"
	gone["Termination_Date"] = "2026-11-01"
	h.setReport(moved, gone, h.person(3, "2026-11-20"))
	rep, err = h.poll(day1)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Started)

	upd := h.waitDone(1)
	assert.Equal(t, lifecycle.UpdateUser, upd.Type)
	acct, _ := h.target.Account(h.id(1))
	assert.Equal(t, "Engineering", acct.Fields[profile.Department])
	assert.Equal(t, "Engineering", h.profile(1).Fields[profile.Department])
	hist, err := h.store.History(h.ctx, h.id(1))
	require.NoError(t, err)
	last := hist[len(hist)-1]
	assert.Equal(t, profile.Change{Old: "Sales", New: "Engineering"}, last.Changes[profile.Department])
	assert.Equal(t, workflows.PersonWorkflowID(h.id(1)), last.Incident, "history names the incident")

	term := h.waitDone(2)
	assert.Equal(t, lifecycle.TerminateUser, term.Type)
	assert.Equal(t, profile.ADDisabled, h.profile(2).ADStatus)

	// The same report again: nothing changed, nothing starts.
	rep, err = h.poll(day1)
	require.NoError(t, err)
	assert.Zero(t, rep.Started)
	assert.Zero(t, rep.Events)

	assert.NotContains(t, h.historyText(workflows.PersonWorkflowID(h.id(1))), isuPassword, "no secret in workflow history")
}

// While a person's incident runs, the next poll does not start a second one; once it is done,
// the change is not detected again.
func TestOnePersonOneIncidentAtATime(t *testing.T) {
	h := newHarness(t)
	h.setReport(h.person(1, "2026-10-01"))
	h.target.Hold()

	rep, err := h.poll(day1)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Started)

	rep, err = h.poll(day1)
	require.NoError(t, err)
	assert.Zero(t, rep.Started, "the running incident is not duplicated")

	h.target.Release()
	h.waitDone(1)
	assert.Equal(t, []connectors.Operation{connectors.OpCreate}, h.target.Calls(), "created once")
}

// The starter itself refuses a second start of a running person's incident: the poll's list
// of incidents in flight comes from visibility, which lags.
func TestStarterRefusesASecondIncidentOfARunningPerson(t *testing.T) {
	h := newHarness(t)
	h.target.Hold()
	defer h.target.Release()
	starter := workflows.IncidentStarter{Client: h.client, Namespace: "default", TaskQueue: h.cfg.Temporal.TaskQueue}
	p := profile.Profile{Fields: profile.Fields{profile.EmployeeID: h.id(1), profile.Email: "x@example.com"}}
	in := activities.NewIncident(h.cfg, "workday", lifecycle.Event{Type: lifecycle.NewHire, EmployeeID: h.id(1), Profile: p})

	id, started, err := starter.Start(h.ctx, in)
	require.NoError(t, err)
	assert.True(t, started)
	again, started, err := starter.Start(h.ctx, in)
	require.NoError(t, err)
	assert.False(t, started, "the running incident is not started twice")
	assert.Equal(t, id, again)
}

// A failed target call waits for a reviewer; retry after the cause is fixed completes it.
func TestFailedIncidentWaitsForReview(t *testing.T) {
	h := newHarness(t)
	h.setReport(h.person(1, "2026-10-01"))
	h.target.FailNext(connectors.OpCreate, connectors.Invalid("ou missing"))

	_, err := h.poll(day1)
	require.NoError(t, err)
	id := workflows.PersonWorkflowID(h.id(1))
	assert.Equal(t, 1, h.count(fmt.Sprintf(`WorkflowId = %q AND ReviewState = "Pending"`, id), 1), "the Web UI lists the pending review")

	rep, err := h.poll(day1)
	require.NoError(t, err)
	assert.Zero(t, rep.Started, "a waiting incident is not re-created")

	review := h.pendingReview(id)
	decide := func(reviewID string) error { return h.decide(id, reviewID, workflows.ActionRetry) }
	require.ErrorContains(t, decide("another-run#1"), "is not pending", "a decision for another review is refused")
	require.NoError(t, decide(review.ReviewID))
	res := h.waitDone(1)
	assert.True(t, res.ProfileSaved)
	assert.Equal(t, []connectors.Operation{connectors.OpCreate, connectors.OpCreate}, h.target.Calls())
}

// A report that would terminate or orphan more people than the guard allows starts nothing.
func TestMassChangeGuardStartsNothing(t *testing.T) {
	h := newHarness(t)
	var rows []map[string]any
	for n := 1; n <= 4; n++ {
		rows = append(rows, h.person(n, "2026-10-01"))
	}
	h.setReport(rows...)
	_, err := h.poll(day1)
	require.NoError(t, err)
	for n := 1; n <= 4; n++ {
		h.waitDone(n)
	}

	h.setReport(rows[0]) // three people missing: orphans beyond max_access_removals 2
	rep, err := h.poll(day1)
	require.Error(t, err)
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, activities.ErrTypeGuard, appErr.Type())
	assert.Contains(t, appErr.Error(), "max_access_removals 2")
	assert.Zero(t, rep.Started)
	for n := 2; n <= 4; n++ {
		assert.Equal(t, 1, h.count(fmt.Sprintf(`EmployeeID = %q`, h.id(n)), 1), "nothing new started for %d", n)
	}
}

// A poll the guard stopped carries its counts and digest through Temporal; accepting that
// digest runs exactly that plan, and a plan that changed since starts nothing.
func TestAcceptedPlanRunsPastTheGuard(t *testing.T) {
	h := newHarness(t)
	var rows []map[string]any
	for n := 1; n <= 5; n++ {
		rows = append(rows, h.person(n, "2026-10-01"))
	}
	h.setReport(rows...)
	_, err := h.poll(day1)
	require.NoError(t, err)
	for n := 1; n <= 5; n++ {
		h.waitDone(n)
	}
	failure := func(err error) (activities.PollReport, string) {
		t.Helper()
		var appErr *temporal.ApplicationError
		require.ErrorAs(t, err, &appErr)
		var rep activities.PollReport
		require.NoError(t, appErr.Details(&rep))
		return rep, appErr.Type()
	}

	h.setReport(rows[:2]...) // three orphans: beyond max_access_removals 2
	_, err = h.poll(day1)
	tripped, typ := failure(err)
	require.Equal(t, activities.ErrTypeGuard, typ)
	assert.Equal(t, 3, tripped.GuardCounts.Orphans)

	h.setReport(rows[0]) // four orphans now
	_, err = h.pollRequest(activities.PollRequest{Instance: "workday", Now: day1, AcceptPlan: tripped.PlanDigest})
	changed, typ := failure(err)
	assert.Equal(t, activities.ErrTypePlanChanged, typ)
	assert.Contains(t, err.Error(), "the plan changed since it was accepted: digest now "+changed.PlanDigest)
	assert.Equal(t, 4, changed.GuardCounts.Orphans)
	assert.Zero(t, changed.Started)

	h.setReport(rows[:2]...)
	rep, err := h.pollRequest(activities.PollRequest{Instance: "workday", Now: day1, AcceptPlan: tripped.PlanDigest})
	require.NoError(t, err)
	assert.True(t, rep.PlanAccepted)
	assert.Equal(t, tripped.PlanDigest, rep.PlanDigest)
	assert.Equal(t, tripped.Events, rep.Started, "every event of the accepted plan starts")
	for n := 3; n <= 5; n++ {
		assert.Equal(t, 1, h.count(fmt.Sprintf(`EmployeeID = %q AND IncidentType = %q`, h.id(n), lifecycle.SyncUser), 1), "review of %d", n)
	}

	// A reviewer closes an orphan's review: it ends with the decision and changed nothing.
	orphan := workflows.PersonWorkflowID(h.id(3))
	require.NoError(t, h.decide(orphan, h.pendingReview(orphan).ReviewID, workflows.ActionSkip))
	res := h.waitDone(3)
	require.Len(t, res.Reviews, 1)
	assert.Equal(t, workflows.ActionSkip, res.Reviews[0].Action)
	assert.False(t, res.ProfileSaved)
}

// A truncated report fails the poll: no incident, no profile touched.
func TestTruncatedReportChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.setReport(h.person(1, "2026-10-01"), h.person(2, "2026-10-01"))
	h.workday.SetFault(standin.Fault{Truncate: 200})

	_, err := h.poll(day1)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), isuPassword)
	assert.Empty(t, storetest.Profiles(t, h.store))
	assert.Empty(t, h.target.Calls())
}
