package workflows

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/testing/testtarget"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
)

// pausedRig runs New Hire incidents on the real activities: targets okta and ad in memory,
// and a store in which ad's circuit breaker has paused it.
type pausedRig struct {
	acts     *activities.Activities
	okta, ad *testtarget.Memory
	timers   []time.Duration
	started  []string
}

func newPausedRig(t *testing.T) *pausedRig {
	st, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	b := (&config.Config{}).TargetBreaker("ad")
	policy := store.BreakerPolicy{MinCalls: b.MinCalls, FailureRatio: b.FailureRatio, Window: b.Window.Duration, ProbeEvery: b.ProbeEvery.Duration}
	tripped := false
	for range b.MinCalls {
		tr, err := st.RecordCall(t.Context(), store.CallOutcome{Instance: "ad", Operation: "create", Failed: true,
			Error: "connection refused", At: time.Now()}, policy)
		require.NoError(t, err)
		tripped = tripped || tr
	}
	require.True(t, tripped)
	r := &pausedRig{okta: testtarget.New("okta"), ad: testtarget.New("ad")}
	r.acts = &activities.Activities{Config: &config.Config{}, Store: st,
		Targets: map[string]connectors.Target{"okta": r.okta, "ad": r.ad}}
	return r
}

func (r *pausedRig) env(ts *testsuite.WorkflowTestSuite) *testsuite.TestWorkflowEnvironment {
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(r.acts)
	env.SetOnTimerScheduledListener(func(_ string, d time.Duration) { r.timers = append(r.timers, d) })
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		r.started = append(r.started, info.ActivityType.Name)
	})
	return env
}

// An incident whose target is paused waits on timers, with no review and no mail, and
// completes once the target is resumed; one on another target goes on meanwhile.
func TestIncidentWaitsWhileItsTargetIsPaused(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	r := newPausedRig(t)

	other := hire()
	other.EmployeeID, other.Profile = "1002", other.Profile.Clone()
	other.Profile.Fields[profile.EmployeeID] = "1002"
	other.Targets = activities.Targets{Create: []string{"okta"}}
	env := r.env(&ts)
	env.ExecuteWorkflow(NewHire, other)
	require.NoError(t, env.GetWorkflowError())
	assert.Empty(t, r.timers, "okta is not paused: no wait")
	_, ok := r.okta.Account("1002")
	assert.True(t, ok)

	r.timers, r.started = nil, nil
	env = r.env(&ts)
	resumeAt := 5 * time.Minute
	env.RegisterDelayedCallback(func() {
		_, ok := r.ad.Account("1001")
		assert.False(t, ok, "ad was not called while paused")
		resumed, err := r.acts.Store.ResumeTarget(context.Background(), "ad")
		assert.NoError(t, err)
		assert.True(t, resumed)
	}, resumeAt)
	env.ExecuteWorkflow(NewHire, hire())

	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res IncidentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.True(t, res.ProfileSaved)
	assert.Empty(t, res.Reviews)
	require.Len(t, res.Results, 2)
	assert.Equal(t, "ad", res.Results[1].Instance)
	assert.True(t, res.Results[1].Success)
	_, ok = r.ad.Account("1001")
	assert.True(t, ok, "created once resumed")
	assert.NotContains(t, r.started, "NotifyFailure")
	assert.NotContains(t, r.started, "AssignReviewer")

	var waited time.Duration
	for _, d := range r.timers {
		assert.GreaterOrEqual(t, d, activities.MinPausedWait)
		waited += d
	}
	assert.GreaterOrEqual(t, waited, resumeAt, "the incident waited on timers until the resume: %v", r.timers)
	assert.Less(t, len(r.timers), 6, "a timer a probe, not a busy loop: %v", r.timers)
}
