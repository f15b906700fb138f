package wiring

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/metrics"
	"github.com/ilm-dev/ilm/internal/testing/testtarget"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
	"github.com/ilm-dev/ilm/workflows"
)

// syncBuffer is a buffer the worker's goroutines write lines to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The person of the incident, with the personal data no log line may carry.
var ada = profile.Profile{Fields: profile.Fields{
	profile.EmployeeID: "1001", profile.Email: "ada.lovelace@example.com", profile.DisplayName: "Ada Lovelace",
	profile.GivenName: "Augusta", profile.Surname: "Lovelace", profile.MobilePhone: "+44 20 7946 0958",
	profile.StreetAddress: "12 St James's Square", profile.PersonalEmail: "ada@analytical.example",
}, ADStatus: profile.ADPending}

// observed is an incident test environment with the worker's logger (at info, into lines),
// interceptors and metrics, the real activities over a store and the target "testapp".
type observed struct {
	env     *testsuite.TestWorkflowEnvironment
	lines   *syncBuffer
	metrics *metrics.Registry
	target  *testtarget.Memory
}

func newObserved(t *testing.T) *observed {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	cfg, err := config.Parse([]byte("store: sqlite:ilm.db\n"))
	require.NoError(t, err)
	o := &observed{lines: &syncBuffer{}, metrics: NewMetrics(), target: testtarget.New("testapp")}
	acts := &activities.Activities{Config: cfg, Store: st, Targets: map[string]connectors.Target{"testapp": o.target}}
	logger, err := (&Env{Config: cfg}).Logger(o.lines, "", slog.LevelInfo)
	require.NoError(t, err)
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(log.NewStructuredLogger(logger))
	ts.SetMetricsHandler(o.metrics.Handler())
	o.env = ts.NewTestWorkflowEnvironment()
	o.env.SetWorkerOptions(worker.Options{Interceptors: Interceptors(acts)})
	workflows.Register(o.env)
	o.env.RegisterActivity(acts)
	return o
}

// retryReviewIn decides, after the delay, the pending review: retry.
func (o *observed) retryReviewIn(t *testing.T, delay time.Duration) {
	o.env.RegisterDelayedCallback(func() {
		v, err := o.env.QueryWorkflow(workflows.ReviewQuery)
		require.NoError(t, err)
		var status workflows.ReviewStatus
		require.NoError(t, v.Get(&status))
		require.Equal(t, workflows.ReviewPending, status.State)
		o.env.UpdateWorkflow(workflows.ReviewUpdate, "decide", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { t.Errorf("decision refused: %v", err) },
			OnAccept:   func() {},
			OnComplete: func(any, error) {},
		}, workflows.Decision{ReviewID: status.ReviewID, Action: workflows.ActionRetry, Reviewer: "alice"})
	}, delay)
}

// logLines parses every line as JSON, and checks that none carries ada's personal data nor
// a key twice.
func (o *observed) logLines(t *testing.T) []map[string]any {
	t.Helper()
	out := o.lines.String()
	for _, pii := range []string{"Ada", "Lovelace", "Augusta", "ada.lovelace@example.com", "7946", "St James", "analytical"} {
		assert.NotContains(t, out, pii, "personal data in the log")
	}
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var fields map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &fields), "not a JSON line: %s", line)
		for _, key := range []string{"employee_id", "workflow_id"} {
			assert.LessOrEqual(t, strings.Count(line, `"`+key+`"`), 1, "%s twice: %s", key, line)
		}
		lines = append(lines, fields)
	}
	return lines
}

// A New Hire whose target call fails, goes to review, is retried and completes, run with
// the worker's logger, interceptors and metrics: every line is JSON and carries the
// incident's employee_id, none carries the person's personal data, and the incident and its
// calls are counted. (The test environment's workflow logger lacks the workflow id a
// worker's has: TestWorkerMetricsHealthAndLogs checks workflow_id on a real worker's lines.)
func TestIncidentLogsAndMetrics(t *testing.T) {
	o := newObserved(t)
	o.target.FailNext(connectors.OpCreate, connectors.Invalid("the account policy refused the request"))
	wfID := workflows.PersonWorkflowID("1001")
	o.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: wfID})
	o.env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
		workflows.EmployeeIDKey.ValueSet("1001"), workflows.IncidentTypeKey.ValueSet(string(lifecycle.NewHire))))
	o.retryReviewIn(t, time.Hour)

	o.env.ExecuteWorkflow(workflows.NewHire, activities.Incident{
		Instance: "workday", Type: lifecycle.NewHire, EmployeeID: "1001", Profile: ada,
		Targets: activities.Targets{Create: []string{"testapp"}},
		Review:  activities.ReviewPolicy{Method: "random", Timeout: 48 * time.Hour},
	})
	require.NoError(t, o.env.GetWorkflowError())
	_, ok := o.target.Account("1001")
	require.True(t, ok, "the retried create went through")

	var msgs []string
	for _, line := range o.logLines(t) {
		msgs = append(msgs, line["msg"].(string))
		assert.Equal(t, "1001", line["employee_id"], "line without the incident's employee_id: %v", line)
		if line["activity_type"] != nil {
			assert.Equal(t, wfID, line["workflow_id"], "activity line without the incident's workflow_id: %v", line)
		}
	}
	// The incident's own lines, the activities' and the SDK's are all among them.
	assert.Contains(t, msgs, "waiting for a review decision")
	assert.Contains(t, msgs, "target call failed")
	assert.Contains(t, msgs, "Activity error.")
	assert.Contains(t, msgs, "provisioning failure not mailed: configure smtp and provisioning.it_notification_email")

	type series = map[string]string
	reg := o.metrics
	assert.Equal(t, 1.0, value(t, reg, activities.MetricIncidentsStarted, series{"type": "IAM - New Hire"}))
	assert.Equal(t, 1.0, value(t, reg, activities.MetricIncidentsCompleted, series{"type": "IAM - New Hire"}))
	assert.Equal(t, 0.0, value(t, reg, activities.MetricIncidentsFailed, series{"type": "IAM - New Hire"}))
	assert.Equal(t, 2.0, value(t, reg, activities.MetricConnectorCalls, series{"instance": "testapp", "operation": "create"}))
	assert.Equal(t, 1.0, value(t, reg, activities.MetricConnectorErrors,
		series{"instance": "testapp", "operation": "create", "error_type": activities.ErrTypeInvalid}))
	assert.Equal(t, 2.0, value(t, reg, activities.MetricConnectorLatency, series{"instance": "testapp", "operation": "create"}))
}

// An App Sync incident learns its person when its event is resolved: from then on its
// workflow's and its activities' lines carry the employee id. An aborted one counts as
// failed.
func TestAppIncidentLogsItsPersonOnceResolved(t *testing.T) {
	o := newObserved(t)
	_, err := o.target.Create(context.Background(), ada)
	require.NoError(t, err)
	o.target.FailNext(connectors.OpUpdate, connectors.Invalid("the account policy refused the request"))
	o.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.AppWorkflowID("e-1")})
	o.env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(workflows.IncidentTypeKey.ValueSet(string(lifecycle.AppAdd))))
	o.env.OnActivity((*activities.Activities)(nil).ResolveAppEvent, mock.Anything, mock.Anything).Return(activities.AppPlan{
		Incident: activities.Incident{Instance: "okta", Type: lifecycle.AppAdd, EmployeeID: "1001", Profile: ada,
			Review: activities.ReviewPolicy{Method: "random", Timeout: time.Hour}},
		Instances: []string{"testapp"},
	}, nil)

	o.env.ExecuteWorkflow(workflows.AppAdd, activities.AppEvent{Instance: "okta", UUID: "e-1", Type: lifecycle.AppAdd, UserID: "00u1", AppID: "0oa1"})
	require.Error(t, o.env.GetWorkflowError(), "nobody decided the review")

	seen := map[string]bool{}
	for _, line := range o.logLines(t) {
		msg := line["msg"].(string)
		if msg == "waiting for a review decision" || msg == "target call failed" {
			seen[msg] = true
			assert.Equal(t, "1001", line["employee_id"], "%v", line)
		}
	}
	assert.Len(t, seen, 2, "the workflow's and the activity's lines")
	assert.Equal(t, 1.0, value(t, o.metrics, activities.MetricIncidentsStarted, map[string]string{"type": "IAM - App Add"}))
	assert.Equal(t, 1.0, value(t, o.metrics, activities.MetricIncidentsFailed, map[string]string{"type": "IAM - App Add"}))
	assert.Zero(t, value(t, o.metrics, activities.MetricIncidentsCompleted, map[string]string{"type": "IAM - App Add"}))
}

// value is metrics.Registry.Sum, failing the test on an error.
func value(t *testing.T, r *metrics.Registry, name string, want map[string]string) float64 {
	t.Helper()
	v, err := r.Sum(name, want)
	require.NoError(t, err)
	return v
}
