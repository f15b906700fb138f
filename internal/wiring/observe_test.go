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

// A New Hire whose target call fails, goes to review, is retried and completes, run with
// the worker's logger, interceptors and metrics: every line is JSON and carries the
// incident's employee_id, none carries the person's personal data, and the incident and its
// calls are counted. (The test environment's workflow logger lacks the workflow id a
// worker's has: TestWorkerMetricsHealthAndLogs checks workflow_id on a real worker's lines.)
func TestIncidentLogsAndMetrics(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	cfg, err := config.Parse([]byte("store: sqlite:ilm.db\n"))
	require.NoError(t, err)
	target := testtarget.New("testapp")
	target.FailNext(connectors.OpCreate, connectors.Invalid("the account policy refused the request"))
	acts := &activities.Activities{Config: cfg, Store: st, Targets: map[string]connectors.Target{"testapp": target}}

	var lines syncBuffer
	logger, err := (&Env{Config: cfg}).Logger(&lines, "", slog.LevelInfo)
	require.NoError(t, err)
	reg := NewMetrics()
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(log.NewStructuredLogger(logger))
	ts.SetMetricsHandler(reg.Handler())
	env := ts.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: Interceptors(acts)})
	env.RegisterWorkflow(workflows.NewHire)
	env.RegisterActivity(acts)
	wfID := workflows.PersonWorkflowID("1001")
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: wfID})
	env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
		workflows.EmployeeIDKey.ValueSet("1001"), workflows.IncidentTypeKey.ValueSet(string(lifecycle.NewHire))))
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(workflows.ReviewQuery)
		require.NoError(t, err)
		var status workflows.ReviewStatus
		require.NoError(t, v.Get(&status))
		require.Equal(t, workflows.ReviewPending, status.State)
		env.UpdateWorkflow(workflows.ReviewUpdate, "decide", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { t.Errorf("decision refused: %v", err) },
			OnAccept:   func() {},
			OnComplete: func(any, error) {},
		}, workflows.Decision{ReviewID: status.ReviewID, Action: workflows.ActionRetry, Reviewer: "alice"})
	}, time.Hour)

	env.ExecuteWorkflow(workflows.NewHire, activities.Incident{
		Instance: "workday", Type: lifecycle.NewHire, EmployeeID: "1001", Profile: ada,
		Targets: activities.Targets{Create: []string{"testapp"}},
		Review:  activities.ReviewPolicy{Method: "random", Timeout: 48 * time.Hour},
	})
	require.NoError(t, env.GetWorkflowError())
	_, ok := target.Account("1001")
	require.True(t, ok, "the retried create went through")

	out := lines.String()
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var fields map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &fields), "not a JSON line: %s", line)
		assert.Equal(t, 1, strings.Count(line, `"employee_id"`), "employee_id once: %s", line)
		assert.LessOrEqual(t, strings.Count(line, `"workflow_id"`), 1, "workflow_id at most once: %s", line)
		msgs = append(msgs, fields["msg"].(string))
		if fields["activity_type"] != nil {
			assert.Equal(t, wfID, fields["workflow_id"], "activity line without the incident's workflow_id: %s", line)
		}
		assert.Equal(t, "1001", fields["employee_id"], "line without the incident's employee_id: %s", line)
	}
	// The incident's own lines, the activities' and the SDK's are all among them.
	assert.Contains(t, msgs, "waiting for a review decision")
	assert.Contains(t, msgs, "target call failed")
	assert.Contains(t, msgs, "provisioning failure not mailed: configure smtp and provisioning.it_notification_email")
	for _, pii := range []string{"Ada", "Lovelace", "Augusta", "ada.lovelace@example.com", "7946", "St James", "analytical"} {
		assert.NotContains(t, out, pii, "personal data in the log")
	}

	type series = map[string]string
	assert.Equal(t, 1.0, value(t, reg, activities.MetricIncidentsStarted, series{"type": "IAM - New Hire"}))
	assert.Equal(t, 1.0, value(t, reg, activities.MetricIncidentsCompleted, series{"type": "IAM - New Hire"}))
	assert.Equal(t, 0.0, value(t, reg, activities.MetricIncidentsFailed, series{"type": "IAM - New Hire"}))
	assert.Equal(t, 2.0, value(t, reg, activities.MetricConnectorCalls, series{"instance": "testapp", "operation": "create"}))
	assert.Equal(t, 1.0, value(t, reg, activities.MetricConnectorErrors,
		series{"instance": "testapp", "operation": "create", "error_type": activities.ErrTypeInvalid}))
	assert.Equal(t, 2.0, value(t, reg, activities.MetricConnectorLatency, series{"instance": "testapp", "operation": "create"}))
}

// value is metrics.Registry.Sum, failing the test on an error.
func value(t *testing.T, r *metrics.Registry, name string, want map[string]string) float64 {
	t.Helper()
	v, err := r.Sum(name, want)
	require.NoError(t, err)
	return v
}
