//go:build integration

// Package integration holds ILM's slow tests: real Temporal dev server, real stores, the
// Workday stand-in. Run them with `make test-integration` (scripts/test.sh starts the servers).
package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/hrsync"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
	"github.com/ilm-dev/ilm/internal/testing/testtarget"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
	"github.com/ilm-dev/ilm/workflows"
)

const (
	isuUser     = "ilm-isu"
	isuPassword = "isu-password-not-for-history"
)

var runSeq atomic.Int64

// harness is one test's ILM: a worker on its own task queue against the shared dev server,
// a SQLite store, the Workday stand-in and an in-memory target called "testapp".
type harness struct {
	t       *testing.T
	ctx     context.Context
	client  client.Client
	store   store.Store
	workday *standin.Handler
	target  *testtarget.Memory
	cfg     *config.Config
	prefix  string // makes this test's employee ids unique on the shared server
}

// harnessOption changes the config and the activities before the worker starts.
type harnessOption func(cfg *config.Config, acts *activities.Activities)

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	return newHarnessDialing(t, client.Options{}, opts...)
}

// newHarnessDialing is newHarness with the client (the worker's and the test's) dialed with
// copts, e.g. an encrypting data converter; copts.HostPort, when set, is a server of the
// test's own instead of the shared one.
func newHarnessDialing(t *testing.T, copts client.Options, opts ...harnessOption) *harness {
	t.Helper()
	if copts.HostPort == "" {
		copts.HostPort = os.Getenv("ILM_TEST_TEMPORAL_ADDRESS")
	}
	if copts.HostPort == "" {
		t.Skip("ILM_TEST_TEMPORAL_ADDRESS not set: run `make test-integration`, which starts a Temporal dev server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)

	c, err := client.Dial(copts)
	require.NoError(t, err)
	t.Cleanup(c.Close)

	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })

	wd := standin.New(standin.Config{Username: isuUser, Password: isuPassword})
	srv := standin.Start(t, wd)
	t.Setenv("ILM_IT_WORKDAY_USER", isuUser)
	t.Setenv("ILM_IT_WORKDAY_PASSWORD", isuPassword)

	seq := runSeq.Add(1)
	prefix := fmt.Sprintf("it%d%d-", time.Now().UnixNano()%1e9, seq)
	queue := "ilm-it-" + prefix
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
temporal: {task_queue: %q}
instances:
  - name: workday
    type: workday
    report_url: %q
    username_env: ILM_IT_WORKDAY_USER
    password_env: ILM_IT_WORKDAY_PASSWORD
    days_before_hire_to_enable_ad: 3
    # A test moves a handful of people, each a large share of them: the guard counts people.
    guard: {max_access_removals: 2, max_access_removal_percent: 100, max_credential_grant_percent: 1000}
`, queue, wd.URL(srv.URL))))
	require.NoError(t, err)
	// "testapp" is not a config instance type: tests wire their target by hand.
	cfg.Provisioning.Targets = config.Targets{Create: []string{"testapp"}, Update: []string{"testapp"}, Disable: []string{"testapp"}}
	cfg.Provisioning.Review = config.Review{Method: "random", Timeout: config.Duration{Duration: time.Hour}}

	target := testtarget.New("testapp")
	acts := &activities.Activities{
		Config:  cfg,
		Store:   st,
		Targets: map[string]connectors.Target{"testapp": target},
		Starter: workflows.IncidentStarter{Client: c, Namespace: "default", TaskQueue: queue},
		Planner: &hrsync.Planner{Config: cfg, Store: st},
	}
	for _, opt := range opts {
		opt(cfg, acts)
	}
	w := worker.New(c, queue, worker.Options{Interceptors: wiring.Interceptors(acts)})
	workflows.Register(w)
	w.RegisterActivity(acts)
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	t.Cleanup(func() { recordHistories(t, c, queue) })

	return &harness{t: t, ctx: ctx, client: c, store: st, workday: wd, target: target, cfg: cfg, prefix: prefix}
}

// id returns this test's employee id for n.
func (h *harness) id(n int) string { return fmt.Sprintf("%s%d", h.prefix, n) }

// person is a report row in the stock Workday columns.
func (h *harness) person(n int, hired string) map[string]any {
	return map[string]any{
		"Emp_ID":                      h.id(n),
		"Email_Address":               fmt.Sprintf("P.%s%d@Example.com", h.prefix, n),
		"Preferred_Name":              fmt.Sprintf("Person %s%d", h.prefix, n),
		"Preferred_Name_-_First_Name": "Person",
		"Preferred_Name_-_Last_Name":  fmt.Sprintf("%s%d", h.prefix, n),
		"Department":                  "Sales",
		"Employment_Status":           "Active",
		"Last_Hire_Date":              hired,
		"Prehire_Flag":                "False",
		"Rehired_Employee":            "No",
		"Has_Sabbatical":              "0",
		"Title":                       nil,
	}
}

func (h *harness) setReport(rows ...map[string]any) {
	require.NoError(h.t, h.workday.SetReport(rows))
}

// poll runs one WorkdayPoll as of now and returns its report (or its error).
func (h *harness) poll(now time.Time) (activities.PollReport, error) {
	return h.pollRequest(activities.PollRequest{Instance: "workday", Now: now})
}

// pollRequest runs one WorkdayPoll of the request and returns its report.
func (h *harness) pollRequest(req activities.PollRequest) (activities.PollReport, error) {
	run, err := h.client.ExecuteWorkflow(h.ctx, client.StartWorkflowOptions{
		ID:        fmt.Sprintf("poll-%s%d", h.prefix, time.Now().UnixNano()),
		TaskQueue: h.cfg.Temporal.TaskQueue,
	}, workflows.WorkdayPoll, req)
	require.NoError(h.t, err)
	var rep activities.PollReport
	err = run.Get(h.ctx, &rep)
	return rep, err
}

// incident runs one poll as of now that must start exactly person n's incident, and returns
// that incident's result once it is done.
func (h *harness) incident(now time.Time, n int) workflows.IncidentResult {
	h.t.Helper()
	rep, err := h.poll(now)
	require.NoError(h.t, err)
	require.Equal(h.t, 1, rep.Started, "%+v", rep)
	require.Equal(h.t, h.id(n), rep.Incidents[0].EmployeeID, "%+v", rep)
	return h.waitDone(n)
}

// waitDone waits until the person's latest incident is closed and returns its result.
func (h *harness) waitDone(n int) workflows.IncidentResult {
	var res workflows.IncidentResult
	require.NoError(h.t, h.client.GetWorkflow(h.ctx, workflows.PersonWorkflowID(h.id(n)), "").Get(h.ctx, &res))
	return res
}

func (h *harness) profile(n int) profile.Profile {
	p, err := h.store.GetProfile(h.ctx, h.id(n))
	require.NoError(h.t, err)
	return p
}

// countNow returns how many workflows the visibility query matches now.
func (h *harness) countNow(query string) int {
	resp, err := h.client.CountWorkflow(h.ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: "default", Query: query})
	require.NoError(h.t, err)
	return int(resp.Count)
}

// count returns how many workflows the visibility query matches, waiting for it to settle on want.
func (h *harness) count(query string, want int) int {
	var got int
	for i := 0; i < 50; i++ {
		if got = h.countNow(query); got == want {
			return got
		}
		time.Sleep(200 * time.Millisecond)
	}
	return got
}

// historyText returns the raw bytes of every event of a workflow, for searching.
func (h *harness) historyText(workflowID string) string {
	var out []byte
	for _, ev := range h.history(workflowID) {
		b, _ := ev.Marshal()
		out = append(out, b...)
	}
	return string(out)
}

// history returns every event of a workflow's latest run.
func (h *harness) history(workflowID string) []*historypb.HistoryEvent {
	iter := h.client.GetWorkflowHistory(h.ctx, workflowID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []*historypb.HistoryEvent
	for iter.HasNext() {
		ev, err := iter.Next()
		require.NoError(h.t, err)
		out = append(out, ev)
	}
	return out
}

// pendingReview waits until the incident's review is pending and returns it.
func (h *harness) pendingReview(workflowID string) workflows.ReviewStatus {
	h.t.Helper()
	var review workflows.ReviewStatus
	require.Eventually(h.t, func() bool {
		v, err := h.client.QueryWorkflow(h.ctx, workflowID, "", workflows.ReviewQuery)
		return err == nil && v.Get(&review) == nil && review.State == workflows.ReviewPending
	}, 30*time.Second, 100*time.Millisecond, "no review pending on %s", workflowID)
	return review
}

// decide sends a reviewer's decision on the review to the incident and waits for it to be
// taken or refused.
func (h *harness) decide(workflowID, reviewID, action string) error {
	u, err := h.client.UpdateWorkflow(h.ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateName: workflows.ReviewUpdate,
		Args:         []any{workflows.Decision{ReviewID: reviewID, Action: action, Reviewer: "alice"}},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = u.Get(h.ctx, nil)
	}
	return err
}
