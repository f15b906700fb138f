package activities

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/internal/testing/testtarget"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// breakerRig is the activities with a target "ad" whose breaker pauses it when more than
// half of at least 4 calls in 10 minutes failed, probing it every minute, a store, a clock
// the test moves and an outbox for IT's mail.
type breakerRig struct {
	a   *Activities
	ad  *testtarget.Memory
	box *outbox
	mu  sync.Mutex
	now time.Time
}

func newBreakerRig(t *testing.T) *breakerRig {
	st, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "ilm.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	templates, err := mail.LoadTemplates("")
	require.NoError(t, err)
	breaker := config.Breaker{MinCalls: 4, FailureRatio: 0.5, Window: config.Duration{Duration: 10 * time.Minute},
		ProbeEvery: config.Duration{Duration: time.Minute}}
	cfg := &config.Config{Instances: []config.Instance{{Name: "ad", Type: config.TypeSCIM, SCIM: &config.SCIM{TargetSettings: config.TargetSettings{Breaker: breaker}}}}}
	cfg.Provisioning.ITNotificationEmail = "it-alerts@example.com"
	r := &breakerRig{ad: testtarget.New("ad"), box: &outbox{}, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	r.a = &Activities{Config: cfg, Store: st, Targets: map[string]connectors.Target{"ad": r.ad},
		Mail: Mail{Sender: r.box, Templates: templates}, Now: r.clock}
	return r
}

func (r *breakerRig) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *breakerRig) advance(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = r.now.Add(d)
}

// create runs ProvisionTarget's create of person n on ad.
func (r *breakerRig) create(n int) error {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(r.a)
	p := profile.Profile{Fields: profile.Fields{profile.EmployeeID: fmt.Sprint(1000 + n)}}
	_, err := env.ExecuteActivity(r.a.ProvisionTarget, TargetRequest{Call: TargetCall{Instance: "ad", Operation: connectors.OpCreate}, Profile: p})
	return err
}

func (r *breakerRig) sent() []mail.Message {
	r.box.mu.Lock()
	defer r.box.mu.Unlock()
	return append([]mail.Message(nil), r.box.sent...)
}

func unavailable(n int) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = fmt.Errorf("dial tcp 10.0.0.5:636: connection refused: %w", connectors.ErrUnavailable)
	}
	return errs
}

func TestBreakerPausesAFailingTargetOnce(t *testing.T) {
	r := newBreakerRig(t)
	r.ad.FailNext(connectors.OpCreate, unavailable(8)...)

	// Eight workers call at once and fail: the target is paused, and IT told, once. The
	// target holds the calls until all eight passed the breaker, so that all reach it.
	r.ad.Hold()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			err := r.create(i)
			assert.Error(t, err)
			assert.False(t, IsTargetPaused(err), "these calls reached the target")
		})
	}
	require.Eventually(t, func() bool { return r.ad.Held() == 8 }, 10*time.Second, time.Millisecond)
	r.ad.Release()
	wg.Wait()
	require.Len(t, r.ad.Calls(), 8)
	msgs := r.sent()
	require.Len(t, msgs, 1, "one alert per pause")
	assert.Equal(t, []string{"it-alerts@example.com"}, msgs[0].To)
	assert.Contains(t, msgs[0].Subject, "ad paused")
	for _, want := range []string{"Last operation: create", "connection refused", "ilm targets resume ad"} {
		assert.Contains(t, msgs[0].Body, want)
	}

	// Paused: calls come back TargetPaused without reaching the target, saying how long to wait.
	r.advance(20 * time.Second)
	err := r.create(9)
	require.True(t, IsTargetPaused(err), "got %v", err)
	assert.Equal(t, 40*time.Second, PausedWait(err), "until the probe is due")
	assert.Len(t, r.ad.Calls(), 8, "the target was not called")

	// The probe fails: still paused, no second alert.
	r.advance(40 * time.Second)
	r.ad.FailNext(connectors.OpCreate, unavailable(1)...)
	err = r.create(10)
	require.Error(t, err)
	assert.False(t, IsTargetPaused(err), "the probe reached the target")
	assert.Len(t, r.ad.Calls(), 9)
	assert.True(t, IsTargetPaused(r.create(11)))
	assert.Len(t, r.sent(), 1)

	// A minute later the probe succeeds: the target works again.
	r.advance(time.Minute)
	require.NoError(t, r.create(12))
	require.NoError(t, r.create(13), "closed: calls go")
	assert.Len(t, r.ad.Calls(), 11)
	b, err := r.a.Store.GetBreaker(t.Context(), "ad", r.clock(), 10*time.Minute)
	require.NoError(t, err)
	assert.False(t, b.Paused)
	assert.Equal(t, 1, b.Calls, "the window started again at the probe")

	// Failing again pauses it again, with a new alert.
	r.ad.FailNext(connectors.OpCreate, unavailable(4)...)
	for i := range 4 {
		require.Error(t, r.create(20+i))
	}
	assert.True(t, IsTargetPaused(r.create(24)))
	assert.Len(t, r.sent(), 2)
}

// Final errors about one person reached a working target: they never pause it.
func TestBreakerIgnoresFinalErrors(t *testing.T) {
	r := newBreakerRig(t)
	r.ad.FailNext(connectors.OpCreate, connectors.Invalid("sAMAccountName too long"), connectors.Invalid("bad OU"),
		connectors.ErrAlreadyExists, connectors.ErrNotOwned, connectors.ErrNotFound)
	for i := range 5 {
		err := r.create(i)
		require.Error(t, err)
		assert.False(t, IsTargetPaused(err))
	}
	require.NoError(t, r.create(6))
	assert.Empty(t, r.sent())
	b, err := r.a.Store.GetBreaker(t.Context(), "ad", r.clock(), 10*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, store.BreakerState{Instance: "ad", Calls: 6}, b)
}

func TestPausedWaitIsBounded(t *testing.T) {
	assert.Equal(t, MaxPausedWait, PausedWait(fmt.Errorf("not a pause")))
	r := newBreakerRig(t)
	r.ad.FailNext(connectors.OpCreate, unavailable(4)...)
	for i := range 4 {
		require.Error(t, r.create(i))
	}
	r.advance(59*time.Second + 500*time.Millisecond)
	assert.Equal(t, MinPausedWait, PausedWait(r.create(5)), "a probe due in half a second is waited for a few seconds")
}
