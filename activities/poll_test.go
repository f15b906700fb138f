package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/internal/metrics"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
)

var pollNow = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// hrStarter records the incidents a poll starts; the start of refuse's incident fails.
type hrStarter struct {
	IncidentStarter
	mu      sync.Mutex
	started []Incident
	refuse  string
}

func (s *hrStarter) Start(_ context.Context, in Incident) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.EmployeeID == s.refuse {
		return "", false, errors.New("blob data size exceeds limit")
	}
	s.started = append(s.started, in)
	return "person/" + in.EmployeeID, true, nil
}

func (s *hrStarter) Running(context.Context) (map[string]bool, error) { return nil, nil }

// startedIDs are the employee ids of the incidents started, sorted: a poll starts several at
// once, in no set order.
func (s *hrStarter) startedIDs() []string {
	var ids []string
	for _, in := range s.started {
		ids = append(ids, in.EmployeeID)
	}
	slices.Sort(ids)
	return ids
}

// hrPoll is a workday instance over a real store and planner, with ten people synced.
type hrPoll struct {
	t       *testing.T
	dir     string
	acts    *Activities
	starter *hrStarter
	metrics *metrics.Registry
}

func newHRPoll(t *testing.T) *hrPoll {
	t.Helper()
	cfg, err := config.Parse([]byte(`instances: [{name: workday, type: workday, report_url: "file:unused.json", sync_on_first_run: true}]`))
	require.NoError(t, err)
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	h := &hrPoll{t: t, dir: t.TempDir(), starter: &hrStarter{}, metrics: metrics.New(MetricHelp)}
	h.acts = &Activities{Config: cfg, Store: st, Starter: h.starter, Planner: &hrsync.Planner{Config: cfg, Store: st}}
	return h
}

// report writes a report of ten people, the first terminated ones terminated.
func (h *hrPoll) report(terminated int) string {
	return h.reportWith(fmt.Sprintf("terminated-%d", terminated), func(i int, row map[string]any) {
		if i < terminated {
			row["Employment_Status"], row["Termination_Date"] = "Terminated", "2026-11-20"
		}
	})
}

// reportWith writes a report of ten active people, the i-th row changed by edit.
func (h *hrPoll) reportWith(name string, edit func(i int, row map[string]any)) string {
	h.t.Helper()
	var entries []map[string]any
	for i := range 10 {
		row := map[string]any{
			"Emp_ID": fmt.Sprintf("10%02d", i), "Email_Address": fmt.Sprintf("p%02d@example.com", i),
			"Preferred_Name": fmt.Sprintf("Person %02d", i), "Employment_Status": "Active", "Last_Hire_Date": "2020-03-02",
		}
		edit(i, row)
		entries = append(entries, row)
	}
	b, err := json.Marshal(map[string]any{"Report_Entry": entries})
	require.NoError(h.t, err)
	path := filepath.Join(h.dir, name+".json")
	require.NoError(h.t, os.WriteFile(path, b, 0o600))
	return path
}

// poll runs PollWorkday; a failure's report comes from the error's details.
func (h *hrPoll) poll(req PollRequest) (PollReport, error) {
	h.t.Helper()
	req.Instance, req.Now = "workday", pollNow
	var s testsuite.WorkflowTestSuite
	s.SetMetricsHandler(h.metrics.Handler())
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(h.acts)
	var rep PollReport
	v, err := env.ExecuteActivity(h.acts.PollWorkday, req)
	if err != nil {
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.HasDetails() {
			require.NoError(h.t, appErr.Details(&rep))
		}
		return rep, err
	}
	require.NoError(h.t, v.Get(&rep))
	return rep, nil
}

// synced runs the initial sync of ten active people.
func (h *hrPoll) synced() *hrPoll {
	rep, err := h.poll(PollRequest{Report: h.report(0)})
	require.NoError(h.t, err)
	require.True(h.t, rep.InitialSync)
	require.Equal(h.t, 10, rep.ProfilesSynced)
	return h
}

// errorType is the application error type of err ("" for none).
func errorType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

// Five terminations of ten people trip the default guard: nothing starts, and the failure
// carries the counts and the digest the operator accepts.
func TestPollGuardTripsAndSaysWhatToAccept(t *testing.T) {
	h := newHRPoll(t).synced()
	rep, err := h.poll(PollRequest{Report: h.report(5)})
	require.Error(t, err)
	assert.Equal(t, ErrTypeGuard, errorType(err))
	assert.Contains(t, err.Error(), "max_access_removal_percent 20 (50.0% of 10 active)")
	assert.True(t, rep.GuardTripped)
	assert.Equal(t, lifecycle.GuardCounts{Terminations: 5}, rep.GuardCounts)
	assert.Regexp(t, "^[0-9a-f]{64}$", rep.PlanDigest)
	assert.Zero(t, rep.Started)
	assert.Empty(t, h.starter.started)
}

// A tripped guard counts for the instance and is no successful poll; a poll that goes
// through records its time.
func TestPollMetricsCountGuardTripsAndSuccesses(t *testing.T) {
	h := newHRPoll(t).synced()
	instance := map[string]string{"instance": "workday"}
	synced := h.metric(MetricPollLastSuccess, instance)
	assert.InDelta(t, float64(time.Now().Unix()), synced, 60, "the initial sync is a successful poll, timed by the clock, not by --now")
	assert.Zero(t, h.metric(MetricGuardTrips, instance))

	_, err := h.poll(PollRequest{Report: h.report(5)})
	require.Equal(t, ErrTypeGuard, errorType(err))
	assert.Equal(t, 1.0, h.metric(MetricGuardTrips, instance))
	assert.Equal(t, synced, h.metric(MetricPollLastSuccess, instance), "a tripped poll is not a success")

	time.Sleep(10 * time.Millisecond)
	_, err = h.poll(PollRequest{Report: h.report(1)})
	require.NoError(t, err)
	assert.Greater(t, h.metric(MetricPollLastSuccess, instance), synced)
	assert.Equal(t, 1.0, h.metric(MetricGuardTrips, instance))
}

func (h *hrPoll) metric(name string, labels map[string]string) float64 {
	h.t.Helper()
	v, err := h.metrics.Sum(name, labels)
	require.NoError(h.t, err)
	return v
}

// The accepted digest runs exactly that plan, past the guard.
func TestPollRunsTheAcceptedPlan(t *testing.T) {
	h := newHRPoll(t).synced()
	tripped, err := h.poll(PollRequest{Report: h.report(5)})
	require.Equal(t, ErrTypeGuard, errorType(err))

	rep, err := h.poll(PollRequest{Report: h.report(5), AcceptPlan: tripped.PlanDigest})
	require.NoError(t, err)
	assert.True(t, rep.PlanAccepted)
	assert.Equal(t, tripped.PlanDigest, rep.PlanDigest)
	assert.Equal(t, 5, rep.Started)
	require.Len(t, h.starter.started, 5)
	for _, in := range h.starter.started {
		assert.Equal(t, lifecycle.TerminateUser, in.Type)
	}
	assert.Equal(t, []string{"1000", "1001", "1002", "1003", "1004"}, h.starter.startedIDs())
}

// A report that changed since the plan was accepted starts nothing, even when its own plan
// would pass the guard: the operator accepted other events.
func TestPollRefusesAChangedPlan(t *testing.T) {
	for _, terminated := range []int{6, 1} {
		t.Run(fmt.Sprintf("%d terminated now", terminated), func(t *testing.T) {
			h := newHRPoll(t).synced()
			tripped, err := h.poll(PollRequest{Report: h.report(5)})
			require.Equal(t, ErrTypeGuard, errorType(err))

			rep, err := h.poll(PollRequest{Report: h.report(terminated), AcceptPlan: tripped.PlanDigest})
			require.Error(t, err)
			assert.Equal(t, ErrTypePlanChanged, errorType(err))
			var appErr *temporal.ApplicationError
			require.ErrorAs(t, err, &appErr)
			assert.True(t, appErr.NonRetryable())
			assert.Contains(t, err.Error(), "the plan changed since it was accepted: digest now "+rep.PlanDigest)
			assert.NotEqual(t, tripped.PlanDigest, rep.PlanDigest)
			assert.Equal(t, lifecycle.GuardCounts{Terminations: terminated}, rep.GuardCounts)
			assert.Empty(t, h.starter.started)
		})
	}
}

// The first poll refuses an empty report, without retrying, and leaves the instance to sync.
func TestFirstPollRefusesAnEmptyReport(t *testing.T) {
	h := newHRPoll(t)
	empty := filepath.Join(h.dir, "empty.json")
	require.NoError(t, os.WriteFile(empty, []byte(`{"Report_Entry":[]}`), 0o600))

	_, err := h.poll(PollRequest{Report: empty})
	require.Error(t, err)
	assert.Equal(t, ErrTypeInitialSyncRefused, errorType(err))
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable())
	assert.Contains(t, err.Error(), `instance "workday": initial sync refused: the report has no rows`)

	pending, err := h.acts.Planner.NeedsInitialSync(context.Background(), "workday")
	require.NoError(t, err)
	assert.True(t, pending, "the next poll is still the initial sync")
	h.synced()
}

// A start that fails does not keep the people after it from starting: the others start, the
// failure is named in the report, and the poll then fails without a retry.
func TestPollStartsTheOthersWhenOneStartFails(t *testing.T) {
	h := newHRPoll(t).synced()
	h.starter.refuse = "1004"
	renamed := h.reportWith("renamed", func(i int, row map[string]any) {
		row["Preferred_Name"] = fmt.Sprintf("Renamed %02d", i)
	})

	rep, err := h.poll(PollRequest{Report: renamed})
	require.Error(t, err)
	assert.Equal(t, ErrTypeStartFailed, errorType(err))
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable())
	assert.Contains(t, err.Error(), "1 of 10 incidents failed to start")

	assert.Equal(t, 9, rep.Started)
	assert.Equal(t, 1, rep.Failed)
	assert.Equal(t, []FailedStart{{Type: lifecycle.UpdateUser, EmployeeID: "1004", Error: "blob data size exceeds limit"}}, rep.FailedStarts)
	assert.Equal(t, []string{"1000", "1001", "1002", "1003", "1005", "1006", "1007", "1008", "1009"}, h.starter.startedIDs())
}

// A 1 MB name is a row error naming the row, the employee and the field: that person raises
// nothing, not even an orphan review, and everyone else's incident starts.
func TestPollReportsAnOversizedRowAndStartsTheRest(t *testing.T) {
	h := newHRPoll(t).synced()
	renamed := h.reportWith("oversized", func(i int, row map[string]any) {
		row["Preferred_Name"] = fmt.Sprintf("Renamed %02d", i)
		if i == 4 {
			row["Preferred_Name"] = strings.Repeat("n", 1<<20)
		}
	})

	rep, err := h.poll(PollRequest{Report: renamed})
	require.NoError(t, err)
	assert.Equal(t, []string{"row 5 (employee 1004): displayname is 1048576 bytes long, more than max_field_bytes 4096"}, rep.RowErrors)
	assert.Equal(t, 9, rep.Started)
	for _, in := range h.starter.started {
		assert.Equal(t, lifecycle.UpdateUser, in.Type)
		assert.NotEqual(t, "1004", in.EmployeeID)
	}
}

// heldStarter holds every start until want of them are in flight at once, or a few seconds
// have passed.
type heldStarter struct {
	*hrStarter
	want     int
	mu       sync.Mutex
	inFlight int
	peak     int
	all      chan struct{}
	once     sync.Once
}

func (s *heldStarter) Start(ctx context.Context, in Incident) (string, bool, error) {
	s.mu.Lock()
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	if s.inFlight == s.want {
		s.once.Do(func() { close(s.all) })
	}
	s.mu.Unlock()
	select {
	case <-s.all:
	case <-time.After(3 * time.Second):
	}
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
	return s.hrStarter.Start(ctx, in)
}

// A poll starts its incidents several at a time, each a round trip to the cluster, and
// reports every one.
func TestPollStartsIncidentsSeveralAtATime(t *testing.T) {
	h := newHRPoll(t).synced()
	held := &heldStarter{hrStarter: h.starter, want: 4, all: make(chan struct{})}
	h.acts.Starter = held
	renamed := h.reportWith("renamed", func(i int, row map[string]any) { row["Preferred_Name"] = fmt.Sprintf("Renamed %02d", i) })

	start := time.Now()
	rep, err := h.poll(PollRequest{Report: renamed})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 3*time.Second, "no start waited for the others to finish")
	assert.GreaterOrEqual(t, held.peak, held.want, "at least four starts in flight at once")
	assert.Equal(t, 10, rep.Started)
	assert.Len(t, rep.Incidents, 10)
	assert.Len(t, h.starter.startedIDs(), 10)
}
