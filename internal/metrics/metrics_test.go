package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// series returns the series of name as label sets (name=value, sorted) to their metric.
func series(t *testing.T, r *Registry, name string) map[string]*dto.Metric {
	t.Helper()
	mfs, err := r.Gatherer().Gather()
	require.NoError(t, err)
	out := map[string]*dto.Metric{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.Metric {
			var labels []string
			for _, l := range m.Label {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			out[strings.Join(labels, ",")] = m
		}
	}
	return out
}

func TestHandlerRecordsCountersGaugesAndTimersWithTags(t *testing.T) {
	r := New(map[string]string{"ilm_calls": "Calls made."})
	h := r.Handler().WithTags(map[string]string{"namespace": "default"})
	calls := h.WithTags(map[string]string{"instance": "ad", "operation": "create"})
	calls.Counter("ilm_calls").Inc(2)
	calls.Counter("ilm_calls").Inc(1)
	calls.Counter("ilm_calls").Inc(-5) // a counter never goes down
	h.WithTags(map[string]string{"instance": "okta", "operation": "create"}).Counter("ilm_calls").Inc(1)
	h.Gauge("ilm_level").Update(7.5)
	h.Timer("ilm_latency").Record(1500 * time.Millisecond)
	h.Timer("ilm_latency").Record(20 * time.Millisecond)

	c := series(t, r, "ilm_calls")
	require.Len(t, c, 2)
	assert.Equal(t, 3.0, c["instance=ad,namespace=default,operation=create"].GetCounter().GetValue())
	assert.Equal(t, 1.0, c["instance=okta,namespace=default,operation=create"].GetCounter().GetValue())
	assert.Equal(t, 7.5, series(t, r, "ilm_level")["namespace=default"].GetGauge().GetValue())
	hist := series(t, r, "ilm_latency")["namespace=default"].GetHistogram()
	assert.Equal(t, uint64(2), hist.GetSampleCount())
	assert.InDelta(t, 1.52, hist.GetSampleSum(), 1e-9)

	mfs, err := r.Gatherer().Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == "ilm_calls" {
			assert.Equal(t, "Calls made.", mf.GetHelp())
		}
	}
}

func TestWithTagsLeavesTheParentAlone(t *testing.T) {
	r := New(nil)
	parent := r.Handler().WithTags(map[string]string{"a": "1"})
	_ = parent.WithTags(map[string]string{"a": "2", "b": "x"})
	parent.Counter("ilm_n").Inc(1)
	assert.Contains(t, series(t, r, "ilm_n"), "a=1")
}

// The SDK records some names with more tags in one place than in another: each key set is
// its own series under the one name, and nothing panics.
func TestOneNameWithDifferentTagKeySets(t *testing.T) {
	r := New(nil)
	h := r.Handler()
	require.NotPanics(t, func() {
		h.Counter("temporal_request").Inc(1)
		h.WithTags(map[string]string{"operation": "PollWorkflowTaskQueue"}).Counter("temporal_request").Inc(2)
		h.WithTags(map[string]string{"operation": "StartWorkflowExecution", "namespace": "default"}).Counter("temporal_request").Inc(3)
		h.WithTags(map[string]string{"namespace": "default", "operation": "StartWorkflowExecution"}).Counter("temporal_request").Inc(4)
	})
	s := series(t, r, "temporal_request")
	require.Len(t, s, 3)
	assert.Equal(t, 1.0, s[""].GetCounter().GetValue())
	assert.Equal(t, 2.0, s["operation=PollWorkflowTaskQueue"].GetCounter().GetValue())
	assert.Equal(t, 7.0, s["namespace=default,operation=StartWorkflowExecution"].GetCounter().GetValue())
}

// A name obtained as a second kind records nothing there, and the scrape still works.
func TestOneNameAsTwoKindsKeepsTheFirst(t *testing.T) {
	r := New(nil)
	h := r.Handler()
	h.Counter("ilm_x").Inc(1)
	require.NotPanics(t, func() {
		h.Gauge("ilm_x").Update(42)
		h.Timer("ilm_x").Record(time.Second)
	})
	s := series(t, r, "ilm_x")
	require.Len(t, s, 1)
	assert.Equal(t, 1.0, s[""].GetCounter().GetValue())
}

func TestTagKeysAndNamesAreMadeValid(t *testing.T) {
	r := New(nil)
	r.Handler().WithTags(map[string]string{"task-queue": "q", "le": "dropped", "__reserved": "dropped"}).Timer("ilm.odd-name").Record(time.Second)
	assert.Contains(t, series(t, r, "ilm_odd_name"), "task_queue=q")
}

func TestAgeIsSecondsSinceTheTimestampGauge(t *testing.T) {
	r := New(nil)
	r.Age("ilm_poll_lag_seconds", "ilm_poll_last_success_timestamp_seconds")
	ago := time.Now().Add(-90 * time.Second)
	r.Handler().WithTags(map[string]string{"instance": "workday"}).Gauge("ilm_poll_last_success_timestamp_seconds").Update(float64(ago.Unix()))
	lag := series(t, r, "ilm_poll_lag_seconds")
	require.Contains(t, lag, "instance=workday")
	assert.InDelta(t, 90, lag["instance=workday"].GetGauge().GetValue(), 2)
}

func TestFuncGaugeIsComputedAtScrapeAndLeftOutOnError(t *testing.T) {
	r := New(nil)
	var value float64
	var err error
	r.Func("ilm_reviews_pending", func(context.Context) (float64, error) { return value, err })
	value = 3
	assert.Equal(t, 3.0, series(t, r, "ilm_reviews_pending")[""].GetGauge().GetValue())
	value = 4
	assert.Equal(t, 4.0, series(t, r, "ilm_reviews_pending")[""].GetGauge().GetValue())
	err = errors.New("visibility down")
	assert.Empty(t, series(t, r, "ilm_reviews_pending"))
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestServerScrapesMetricsAndAnswersHealth(t *testing.T) {
	r := New(nil)
	r.Handler().WithTags(map[string]string{"type": "IAM - New Hire"}).Counter("ilm_incidents_started").Inc(1)
	var unhealthy error
	s, err := Listen("127.0.0.1:0", r, func(context.Context) error { return unhealthy })
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	base := "http://" + s.Addr()

	code, body := get(t, base+"/metrics")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `ilm_incidents_started{type="IAM - New Hire"} 1`)
	assert.Contains(t, body, "go_goroutines ")

	code, body = get(t, base+"/healthz")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok\n", body)
	unhealthy = errors.New("not polling")
	code, body = get(t, base+"/healthz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body, "not polling")
}

func TestListenRefusesABadAddress(t *testing.T) {
	_, err := Listen("not-an-address", New(nil), nil)
	assert.ErrorContains(t, err, "metrics listen not-an-address")
}

func TestSumAddsTheMatchingSeries(t *testing.T) {
	r := New(nil)
	h := r.Handler()
	h.WithTags(map[string]string{"instance": "ad", "operation": "create"}).Counter("ilm_c").Inc(2)
	h.WithTags(map[string]string{"instance": "ad", "operation": "update"}).Counter("ilm_c").Inc(3)
	h.WithTags(map[string]string{"instance": "okta", "operation": "update"}).Counter("ilm_c").Inc(5)
	h.Timer("ilm_t").Record(time.Second)
	for _, tc := range []struct {
		name string
		want map[string]string
		sum  float64
	}{
		{"ilm_c", nil, 10},
		{"ilm_c", map[string]string{"instance": "ad"}, 5},
		{"ilm_c", map[string]string{"instance": "ad", "operation": "update"}, 3},
		{"ilm_c", map[string]string{"instance": "scim"}, 0},
		{"ilm_t", nil, 1},
		{"ilm_none", nil, 0},
	} {
		got, err := r.Sum(tc.name, tc.want)
		require.NoError(t, err)
		assert.Equal(t, tc.sum, got, "%s %v", tc.name, tc.want)
	}
}
