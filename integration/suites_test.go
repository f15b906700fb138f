//go:build integration && (faults || scale)

// What the long suites (faults_test.go, scale_test.go) share: a Temporal dev server of their
// own, their size from the environment, and the incidents counted and read on that server.

package integration

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/workflows"
)

// eachIncident calls fn with every person workflow on the server (a test's own: it lists
// them all), its result and its history, a page of 500 executions at a time.
func eachIncident(t *testing.T, ctx context.Context, c client.Client,
	fn func(id string, res workflows.IncidentResult, events []*historypb.HistoryEvent)) {
	t.Helper()
	var token []byte
	for {
		page, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default",
			Query: fmt.Sprintf("WorkflowId STARTS_WITH %q", workflows.PersonWorkflowPrefix), NextPageToken: token, PageSize: 500})
		require.NoError(t, err)
		for _, ex := range page.Executions {
			id, run := ex.Execution.WorkflowId, ex.Execution.RunId
			var res workflows.IncidentResult
			require.NoError(t, c.GetWorkflow(ctx, id, run).Get(ctx, &res), id)
			var events []*historypb.HistoryEvent
			iter := c.GetWorkflowHistory(ctx, id, run, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
			for iter.HasNext() {
				ev, err := iter.Next()
				require.NoError(t, err)
				events = append(events, ev)
			}
			fn(id, res, events)
		}
		if token = page.NextPageToken; len(token) == 0 {
			return
		}
	}
}

// incidentCounter counts the incidents on a test's own server by type and status.
type incidentCounter struct {
	t     *testing.T
	ctx   context.Context
	c     client.Client
	alive func() // fails the test when what runs the incidents has died; nil: nothing to check
}

// count returns how many person workflows of the type are in the status, or -1 while the
// server does not answer.
func (ic incidentCounter) count(typ lifecycle.EventType, status string) int {
	resp, err := ic.c.CountWorkflow(ic.ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: "default",
		Query: fmt.Sprintf(`IncidentType = %q AND ExecutionStatus = %q`, string(typ), status)})
	if err != nil {
		return -1
	}
	return int(resp.Count)
}

// waitDone waits, up to limit, until want incidents of the type are completed, failing
// with where they stand.
func (ic incidentCounter) waitDone(typ lifecycle.EventType, want int, limit time.Duration, why string) {
	ic.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		done := ic.count(typ, "Completed")
		if done >= want {
			return
		}
		if ic.alive != nil {
			ic.alive()
		}
		if time.Now().After(deadline) {
			ic.t.Fatalf("%s: after %v, %d of %d %s incidents completed, %d running, %d failed", why, limit, done, want,
				typ, ic.count(typ, "Running"), ic.count(typ, "Failed"))
		}
		time.Sleep(time.Second)
	}
}

// peopleFromEnv reads a suite's size from the environment variable, def when unset.
func peopleFromEnv(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, name)
	require.Positive(t, n, name)
	return n
}

// startDevServer starts a dev server without its Web UI.
func startDevServer(t *testing.T) *devServer {
	t.Helper()
	return newDevServer(t, false, "")
}
