//go:build integration

package integration

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/internal/metrics"
	scimstandin "github.com/ilm-dev/ilm/internal/testing/standin/scim"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/workflows"
)

// workerBinary builds ilm-worker into dir and returns its path.
func workerBinary(t *testing.T, dir string) string {
	t.Helper()
	return goBuild(t, dir, "ilm-worker", "../workers")
}

// The worker binary with --metrics-listen: /healthz answers 200 once it polls; a New Hire
// that trips the guard, is accepted, fails on its SCIM target, waits for review and is
// retried shows in the SDK's and ILM's metrics with the expected labels and values; and
// every line the worker logs about the incident is JSON with its workflow_id and
// employee_id, and none names the person.
func TestWorkerMetricsHealthAndLogs(t *testing.T) {
	h := newHarness(t) // for the client, the ids and the review helpers
	dir := t.TempDir()
	worker := workerBinary(t, dir)

	wd := standin.New(standin.Config{Username: isuUser, Password: isuPassword})
	wdSrv := standin.Start(t, wd)
	scim := scimstandin.New(scimstandin.Config{Token: "it-scim-token"})
	scimSrv := scimstandin.Start(t, scim)
	row := h.person(1, time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02"))
	require.NoError(t, wd.SetReport([]map[string]any{row}))

	queue := "ilm-observe-" + h.prefix
	addr := freeAddr(t)
	cfg := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(`
temporal: {address: %q, task_queue: %q}
instances:
  - {name: workday, type: workday, report_url: %q, username_env: IT_WD_USER, password_env: IT_WD_PASSWORD,
     guard: {max_credential_grants: 0}}
  - {name: github, type: scim, vendor: generic, base_url: %q, token_env: IT_SCIM_TOKEN}
provisioning:
  targets: {create: [github], update: [github], disable: [github]}
  review: {timeout: 1h}
worker: {metrics_listen: "127.0.0.1:1"}
`, os.Getenv("ILM_TEST_TEMPORAL_ADDRESS"), queue, wd.URL(wdSrv.URL), scim.BaseURL(scimSrv.URL))), 0o600))

	logPath := filepath.Join(dir, "worker.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	// The flag overrides the config's address.
	cmd := exec.Command(worker, "--config", cfg, "--store", "sqlite:"+filepath.Join(dir, "ilm.db"), "--metrics-listen", addr)
	cmd.Env = append(os.Environ(), "IT_WD_USER="+isuUser, "IT_WD_PASSWORD="+isuPassword, "IT_SCIM_TOKEN=it-scim-token")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_, _ = cmd.Process.Wait()
			_ = logFile.Close()
		}
	}
	t.Cleanup(stop)
	base := "http://" + addr

	require.Eventually(t, func() bool {
		code, _ := get(base + "/healthz")
		return code == http.StatusOK
	}, 60*time.Second, 250*time.Millisecond, "/healthz never answered 200; log:\n%s", readFile(t, logPath))

	// The guard stops the first poll; the accepted plan runs.
	poll := func(req activities.PollRequest) (activities.PollReport, error) {
		run, err := h.client.ExecuteWorkflow(h.ctx, client.StartWorkflowOptions{
			ID: fmt.Sprintf("poll-observe-%s%d", h.prefix, time.Now().UnixNano()), TaskQueue: queue}, workflows.WorkdayPoll, req)
		require.NoError(t, err)
		var rep activities.PollReport
		err = run.Get(h.ctx, &rep)
		var app *temporal.ApplicationError
		if errors.As(err, &app) && app.HasDetails() {
			require.NoError(t, app.Details(&rep))
		}
		return rep, err
	}
	tripped, err := poll(activities.PollRequest{Instance: "workday", Now: time.Now()})
	require.Error(t, err)
	require.True(t, tripped.GuardTripped, "%+v", tripped)

	// The SCIM app refuses the first request: a final error, so a review.
	scim.FailNext(1, http.StatusBadRequest)
	rep, err := poll(activities.PollRequest{Instance: "workday", Now: time.Now(), AcceptPlan: tripped.PlanDigest})
	require.NoError(t, err)
	require.Equal(t, 1, rep.Started, "%+v", rep)
	wfID := workflows.PersonWorkflowID(h.id(1))
	review := h.pendingReview(wfID)

	newHire := map[string]string{"type": string(lifecycle.NewHire)}
	require.Eventually(t, func() bool {
		return metrics.SumOf(scrape(t, base), activities.MetricReviewsPending, nil) >= 1
	}, 30*time.Second, 250*time.Millisecond, "the pending review never counted")

	require.NoError(t, h.decide(wfID, review.ReviewID, workflows.ActionRetry))
	var res workflows.IncidentResult
	require.NoError(t, h.client.GetWorkflow(h.ctx, wfID, "").Get(h.ctx, &res))
	require.True(t, res.ProfileSaved)

	// The SDK's own metrics, under the worker's task queue. It counts a completion once the
	// server took it, so maybe after the result reached the test.
	completed := map[string]string{"workflow_type": "NewHire", "task_queue": queue}
	require.Eventually(t, func() bool {
		return metrics.SumOf(scrape(t, base), "temporal_workflow_completed", completed) == 1
	}, 10*time.Second, 100*time.Millisecond, "temporal_workflow_completed of the New Hire")
	m := scrape(t, base)
	github := map[string]string{"instance": "github", "operation": "create"}
	workday := map[string]string{"instance": "workday"}
	assert.GreaterOrEqual(t, metrics.SumOf(m, "temporal_activity_execution_latency", map[string]string{"activity_type": "ProvisionTarget"}), 2.0)
	assert.Positive(t, metrics.SumOf(m, "temporal_request", nil))
	// ILM's.
	assert.Equal(t, 1.0, metrics.SumOf(m, activities.MetricIncidentsStarted, newHire))
	assert.Equal(t, 1.0, metrics.SumOf(m, activities.MetricIncidentsCompleted, newHire))
	assert.Zero(t, metrics.SumOf(m, activities.MetricIncidentsFailed, newHire))
	assert.Equal(t, 2.0, metrics.SumOf(m, activities.MetricConnectorCalls, github))
	assert.Equal(t, 1.0, metrics.SumOf(m, activities.MetricConnectorErrors, map[string]string{
		"instance": "github", "operation": "create", "error_type": activities.ErrTypeInvalid}))
	assert.Equal(t, 2.0, metrics.SumOf(m, activities.MetricConnectorLatency, github), "two calls timed")
	assert.Equal(t, 1.0, metrics.SumOf(m, activities.MetricGuardTrips, workday))
	assert.InDelta(t, float64(time.Now().Unix()), metrics.SumOf(m, activities.MetricPollLastSuccess, workday), 120)
	lag := metrics.SumOf(m, activities.MetricPollLag, workday)
	assert.True(t, lag >= 0 && lag < 120, "poll lag %v", lag)

	// A worker that does not poll its queue is not healthy.
	idle := &wiring.Env{Config: &config.Config{Temporal: config.Temporal{TaskQueue: "ilm-nobody-" + h.prefix}}}
	health := idle.NewHealth(h.client)
	assert.ErrorContains(t, health.Check(h.ctx), "the worker is not running")
	health.SetRunning(true)
	assert.ErrorContains(t, health.Check(h.ctx), "not polling task queue ilm-nobody-")

	stop()
	code, _ := get(base + "/healthz")
	assert.NotEqual(t, http.StatusOK, code, "a stopped worker is not healthy")
	checkIncidentLog(t, logPath, wfID, h.id(1), []string{row["Preferred_Name"].(string), row["Email_Address"].(string),
		strings.ToLower(row["Email_Address"].(string))})
}

// checkIncidentLog checks that every line of the log is JSON, that the incident's lines
// (workflow_id) all carry the employee id, the workflow's, its activities' and the SDK's,
// that the polls' lines carry none, and that no line carries the personal data.
func checkIncidentLog(t *testing.T, path, workflowID, employeeID string, personal []string) {
	t.Helper()
	text := readFile(t, path)
	for _, p := range personal {
		assert.NotContains(t, text, p, "personal data in the worker's log")
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), "not a JSON line: %s", sc.Text())
		if id, _ := line["workflow_id"].(string); strings.HasPrefix(id, "poll-") {
			assert.NotContains(t, line, "employee_id", "a poll's line names a person: %s", sc.Text())
			seen["poll"] = true
		}
		if line["workflow_id"] != workflowID {
			continue
		}
		assert.Equal(t, employeeID, line["employee_id"], "incident line without its employee_id: %s", sc.Text())
		seen[line["msg"].(string)] = true
	}
	for _, msg := range []string{"poll", "waiting for a review decision", "target call failed", "Activity error."} {
		assert.True(t, seen[msg], "no %q line of the incident in the log:\n%s", msg, text)
	}
}

func get(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// scrape reads the worker's /metrics.
func scrape(t *testing.T, base string) []*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	parser := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := parser.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return slices.Collect(maps.Values(mfs))
}
