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

	"github.com/ilm-dev/ilm/internal/testing/sambatest"
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

// dialSuite returns the suite's context, ending after 55 minutes (inside go test's hour), and
// a client of the suite's own server; both end with the test.
func dialSuite(t *testing.T, temporal *devServer) (context.Context, client.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 55*time.Minute)
	t.Cleanup(cancel)
	c, err := client.Dial(client.Options{HostPort: temporal.Addr})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return ctx, c
}

// suiteOktaToken is the token of the suites' Okta stand-in.
const suiteOktaToken = "it-okta"

// suiteInstances are the instances both suites configure, as the entries of ilm.yaml's
// instances list: workday (the report at workdayURL), ad (the run's OU of d) and okta (the
// stand-in at oktaURL). env holds the secrets they name, for the worker.
func suiteInstances(workdayURL string, d *sambatest.Domain, oktaURL string) (yaml string, env []string) {
	yaml = fmt.Sprintf(`  - {name: workday, type: workday, report_url: %q, username_env: IT_WD_USER, password_env: IT_WD_PASSWORD,
     days_before_hire_to_enable_ad: 3, guard: {disabled: true}}
  - {name: ad, type: active_directory, url: %q, ca_file: %q, insecure_skip_verify: %t, bind_dn: %q,
     bind_password_env: IT_AD_PASSWORD, base_dn: %q}
  - {name: okta, type: okta, org_url: %q, token_env: IT_OKTA_TOKEN}`,
		workdayURL, d.URL, d.CAFile, d.CAFile == "", d.BindDN, d.Base, oktaURL)
	return yaml, []string{"IT_WD_USER=" + isuUser, "IT_WD_PASSWORD=" + isuPassword,
		"IT_AD_PASSWORD=" + d.Password, "IT_OKTA_TOKEN=" + suiteOktaToken}
}

// startDevServer starts a dev server without its Web UI.
func startDevServer(t *testing.T) *devServer {
	t.Helper()
	return newDevServer(t, false, "")
}
