//go:build integration && scale

package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	oktastandin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/postgres"
	"github.com/ilm-dev/ilm/store/postgres/postgrestest"
	"github.com/ilm-dev/ilm/workflows"
)

// defaultScalePeople is the suite's size when ILM_SCALE_PEOPLE is unset (make test-scale
// SCALE_PEOPLE=N).
const defaultScalePeople = 1000

// N new hires go into Active Directory and Okta through two ilm-worker processes on one
// task queue, one PostgreSQL store and one Temporal server; one worker is SIGKILLed once a
// quarter of them are done and not started again. In the end each person has one AD account
// (employeeID), one Okta user, created by one create call, and one profile, saved once;
// every incident completed, none failed or went to review; and both workers did part of
// the work (the identities on the completed tasks of the histories).
func TestScaleOutTwoWorkersOneKilled(t *testing.T) {
	people := peopleFromEnv(t, "ILM_SCALE_PEOPLE", defaultScalePeople)
	storeDSN := postgrestest.NewSchema(t)
	d := sambatest.New(t, "Sales")
	temporal := startDevServer(t)
	ctx, c := dialSuite(t, temporal)

	wd := standin.New(standin.Config{Username: isuUser, Password: isuPassword})
	wdSrv := standin.Start(t, wd)
	okta := oktastandin.New(oktastandin.Config{Token: suiteOktaToken, RateLimit: 1000000})
	oktaCreates := &createCounter{next: okta, byLogin: map[string]int{}}
	oktaSrv := httptest.NewServer(oktaCreates)
	t.Cleanup(oktaSrv.Close)

	h := &harness{prefix: fmt.Sprintf("s%d-", time.Now().UnixNano()%1e8)} // for person rows
	require.LessOrEqual(t, len(h.id(people)), 16, "AD's employeeID holds at most 16 characters")
	hired := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
	var rows []map[string]any
	for n := 1; n <= people; n++ {
		rows = append(rows, h.person(n, hired))
	}
	require.NoError(t, wd.SetReport(rows))

	dir := t.TempDir()
	cfg := filepath.Join(dir, "ilm.yaml")
	instances, env := suiteInstances(wd.URL(wdSrv.URL), d, oktaSrv.URL)
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(`
temporal: {address: %q, task_queue: ilm-scale}
worker: {max_concurrent_activities: 40, max_concurrent_workflow_tasks: 20, activity_task_pollers: 4, workflow_task_pollers: 4}
instances:
%s
provisioning:
  targets: {create: [ad, okta], update: [ad, okta], disable: [ad, okta]}
`, temporal.Addr, instances)), 0o600))
	a := buildWorker(t, dir, env, "--config", cfg, "--store", storeDSN)
	b := a.another("worker-b")
	a.start()
	b.start()
	// Any review is a failure here: stop at the first rather than wait for the time limit.
	incidents := incidentCounter{t: t, ctx: ctx, c: c}
	incidents.alive = func() {
		a.requireRunning()
		incidents.requireNoReview()
	}

	t0 := time.Now()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "poll-scale", TaskQueue: "ilm-scale"},
		workflows.WorkdayPoll, activities.PollRequest{Instance: "workday", Now: time.Now()})
	require.NoError(t, err)

	// The kill lands while the poll may still be starting incidents: when B runs the poll's
	// activity, its retry (after the 2-minute heartbeat timeout) starts the rest.
	incidents.waitDone(lifecycle.NewHire, max(1, people/4), 20*time.Minute, "before the kill")
	b.kill()
	killedAt := incidents.count(lifecycle.NewHire, "Completed")
	t.Logf("killed worker B (pid %d) with %d of %d new hires done", b.Pids[0], killedAt, people)
	var rep activities.PollReport
	require.NoError(t, run.Get(ctx, &rep))
	assert.Zero(t, rep.Failed, "incidents the poll could not start: %+v", rep.FailedStarts)
	assert.Empty(t, rep.RowErrors)
	incidents.waitDone(lifecycle.NewHire, people, 30*time.Minute, "new hires")
	elapsed := time.Since(t0)

	// Every incident closed, none failed or still open, none reviewed or skipped.
	for _, status := range []string{"Running", "Failed", "Terminated", "TimedOut", "Canceled"} {
		assert.Zero(t, incidents.count(lifecycle.NewHire, status), "new hires %s", status)
	}
	assert.Equal(t, people, incidents.count(lifecycle.NewHire, "Completed"), "one new hire each")
	// The SDK's worker identity is PID@HOST@…
	workerName := func(identity string) string {
		switch pid, _, _ := strings.Cut(identity, "@"); pid {
		case fmt.Sprint(a.Pids[0]):
			return "A"
		case fmt.Sprint(b.Pids[0]):
			return "B"
		}
		t.Errorf("a task completed by %q, neither worker", identity)
		return "unknown"
	}
	byWorker := map[string]*workerShare{"A": {}, "B": {}, "unknown": {}}
	worker := func(identity string) *workerShare { return byWorker[workerName(identity)] }
	closed := 0
	eachIncident(t, ctx, c, func(id string, res workflows.IncidentResult, events []*historypb.HistoryEvent) {
		closed++
		assert.True(t, res.ProfileSaved, "%s: %+v", id, res)
		assert.Empty(t, res.Skipped, id)
		assert.Empty(t, res.Reviews, id)
		touched := map[*workerShare]bool{}
		for _, ev := range events {
			if at := ev.GetWorkflowTaskCompletedEventAttributes(); at != nil {
				w := worker(at.Identity)
				w.workflowTasks++
				touched[w] = true
			}
			if at := ev.GetActivityTaskCompletedEventAttributes(); at != nil {
				w := worker(at.Identity)
				w.activities++
				touched[w] = true
			}
		}
		for w := range touched {
			w.incidents++
		}
	})
	assert.Equal(t, people, closed, "incidents read")
	pollBy := "nobody"
	iter := c.GetWorkflowHistory(ctx, "poll-scale", "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		require.NoError(t, err)
		if at := ev.GetActivityTaskStartedEventAttributes(); at != nil {
			pollBy = fmt.Sprintf("worker %s, attempt %d", workerName(at.Identity), at.Attempt)
		}
	}
	assert.Positive(t, byWorker["A"].activities, "worker A ran activities")
	assert.Positive(t, byWorker["B"].activities, "worker B ran activities before its kill")
	assert.Positive(t, byWorker["A"].workflowTasks, "worker A ran workflow tasks")
	assert.Positive(t, byWorker["B"].workflowTasks, "worker B ran workflow tasks before its kill")

	// One AD account, one Okta user from one create call, one profile saved once, per person.
	d.Reconnect(t) // the test's connection idled out while the workers ran
	res, err := d.Admin.SearchWithPaging(ldap.NewSearchRequest("OU=People,"+d.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=user)", []string{"employeeID"}, nil), 500)
	require.NoError(t, err)
	inAD := map[string]int{}
	for _, e := range res.Entries {
		inAD[e.GetAttributeValue("employeeID")]++
	}
	inOkta := map[string]int{}
	for _, u := range okta.Users() {
		inOkta[strings.ToLower(fmt.Sprint(u.Profile["login"]))]++
	}
	st, err := store.Open(ctx, storeDSN)
	require.NoError(t, err)
	defer st.Close()
	profiles := 0
	require.NoError(t, st.ScanProfiles(ctx, func(profile.Profile) error { profiles++; return nil }))
	creates := oktaCreates.counts()
	for n := 1; n <= people; n++ {
		id := h.id(n)
		login := strings.ToLower(fmt.Sprintf("P.%s%d@Example.com", h.prefix, n))
		assert.Equal(t, 1, inAD[id], "AD accounts of %s", id)
		assert.Equal(t, 1, inOkta[login], "Okta users of %s", id)
		assert.Equal(t, 1, creates[login], "Okta create calls for %s", id)
		p, err := st.GetProfile(ctx, id)
		if assert.NoError(t, err, "profile of %s", id) {
			assert.Equal(t, profile.ADPending, p.ADStatus, "AD status of %s", id)
		}
		hist, err := st.History(ctx, id)
		if assert.NoError(t, err, "history of %s", id) {
			assert.Len(t, hist, 1, "profile saves of %s", id)
		}
	}
	assert.Len(t, res.Entries, people, "AD accounts")
	assert.Len(t, inOkta, people, "Okta users")
	assert.Len(t, creates, people, "people Okta was asked to create")
	assert.Equal(t, people, profiles, "profiles")

	t.Logf(`scale-out figures:
  people:          %d new hires into AD and Okta, PostgreSQL store, 2 workers on one task queue
  duration:        %v from the poll's start to the last incident completed (%.1f new hires/s)
  kill:            worker B SIGKILLed with %d of %d done, not restarted
  poll:            started %d incidents (%d already running), run by %s
  worker A:        %s
  worker B:        %s
  Okta creates:    %d calls for %d people`,
		people, elapsed.Round(time.Second), float64(people)/elapsed.Seconds(), killedAt, people, rep.Started, rep.AlreadyRunning, pollBy,
		byWorker["A"], byWorker["B"], oktaCreates.total(), len(creates))
}

// workerShare is what one worker process did, read from the incidents' histories.
type workerShare struct{ incidents, workflowTasks, activities int }

func (w *workerShare) String() string {
	return fmt.Sprintf("%d activities, %d workflow tasks completed, in %d incidents", w.activities, w.workflowTasks, w.incidents)
}

// createCounter passes requests to the Okta stand-in and counts the create-user calls
// (POST /api/v1/users) by login, refused ones included.
type createCounter struct {
	next    http.Handler
	mu      sync.Mutex
	byLogin map[string]int
}

func (cc *createCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/api/v1/users" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var u struct {
			Profile struct {
				Login string `json:"login"`
			} `json:"profile"`
		}
		_ = json.Unmarshal(body, &u)
		cc.mu.Lock()
		cc.byLogin[strings.ToLower(u.Profile.Login)]++
		cc.mu.Unlock()
	}
	cc.next.ServeHTTP(w, r)
}

func (cc *createCounter) counts() map[string]int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return maps.Clone(cc.byLogin)
}

func (cc *createCounter) total() int {
	n := 0
	for _, v := range cc.counts() {
		n += v
	}
	return n
}

// another returns a second worker process (not started) of the same binary, environment
// and arguments, logging to name.log next to w's log.
func (w *workerProc) another(name string) *workerProc {
	return newWorkerProc(w.t, w.bin, filepath.Join(filepath.Dir(w.log), name+".log"), w.env, w.args)
}

// requireNoReview fails the test, with the reason of one, when incidents wait for a
// reviewer's decision.
func (ic incidentCounter) requireNoReview() {
	ic.t.Helper()
	page, err := ic.c.ListWorkflow(ic.ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default",
		Query: fmt.Sprintf(`ReviewState = %q`, workflows.ReviewPending), PageSize: 1})
	if err != nil || len(page.Executions) == 0 {
		return
	}
	id := page.Executions[0].Execution.WorkflowId
	var review workflows.ReviewStatus
	if v, err := ic.c.QueryWorkflow(ic.ctx, id, "", workflows.ReviewQuery); err == nil {
		_ = v.Get(&review)
	}
	ic.t.Fatalf("incidents wait for review, %s among them: %s", id, review.Reason)
}
