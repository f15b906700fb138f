// Package metrics exposes the worker's metrics to Prometheus. Handler is the Temporal SDK's
// client.MetricsHandler on client_golang: the SDK records its own metrics through it, and
// ILM's activities and workflows record theirs through the same interface, so neither knows
// of Prometheus. Serve puts /metrics and /healthz on an address.
package metrics

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
	"go.temporal.io/sdk/client"
)

// TimerBuckets are the histogram buckets, in seconds, of every timer: from a fast store
// read to a long poll of a large report.
var TimerBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900}

// Registry holds every metric recorded through its Handler, the Go runtime's and the
// process's, and the derived gauges added with Age and Func.
type Registry struct {
	prom *prometheus.Registry
	help map[string]string

	mu       sync.Mutex
	families map[string]*family
}

// kind is what a metric name was first obtained as; a name keeps its kind.
type kind int

const (
	counter kind = iota
	gauge
	timer
)

// family is every series of one metric name. The SDK (or a caller) may use one name with
// different tag key sets: each key set gets its own vector, and all of them are exposed
// under the name, as Prometheus allows, instead of a registration conflict.
type family struct {
	kind kind
	vecs map[string]prometheus.Collector // by the sorted, comma-joined label names
}

// New returns an empty registry. help gives the help text of metric names; others get
// their name.
func New(help map[string]string) *Registry {
	r := &Registry{prom: prometheus.NewRegistry(), help: help, families: map[string]*family{}}
	r.prom.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		handlerCollector{r})
	return r
}

// Gatherer is what /metrics serves.
func (r *Registry) Gatherer() prometheus.Gatherer { return r.prom }

// Handler returns the SDK metrics handler that records into r, with no tags; nil for a nil
// r, which the SDK takes for "record nothing".
func (r *Registry) Handler() client.MetricsHandler {
	if r == nil {
		return nil
	}
	return handler{r: r}
}

func (r *Registry) helpOf(name string) string {
	if h := r.help[name]; h != "" {
		return h
	}
	return name
}

// vec returns the vector of name with the label names, creating it; nil when name was
// first obtained as another kind (the call records nothing).
func (r *Registry) vec(name string, k kind, labels []string) prometheus.Collector {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.families[name]
	if f == nil {
		f = &family{kind: k, vecs: map[string]prometheus.Collector{}}
		r.families[name] = f
	}
	if f.kind != k {
		return nil
	}
	key := strings.Join(labels, ",")
	if v := f.vecs[key]; v != nil {
		return v
	}
	var v prometheus.Collector
	switch k {
	case counter:
		v = prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: r.helpOf(name)}, labels)
	case gauge:
		v = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: r.helpOf(name)}, labels)
	default:
		v = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: r.helpOf(name), Buckets: TimerBuckets}, labels)
	}
	f.vecs[key] = v
	return v
}

// collectors returns the vectors of every family, or of the named one.
func (r *Registry) collectors(only string) []prometheus.Collector {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []prometheus.Collector
	for name, f := range r.families {
		if only == "" || name == only {
			out = append(out, slices.Collect(maps.Values(f.vecs))...)
		}
	}
	return out
}

// handlerCollector exposes what was recorded through the handler. It describes nothing
// (an unchecked collector): its names and label sets are only known as they are used.
type handlerCollector struct{ r *Registry }

func (handlerCollector) Describe(chan<- *prometheus.Desc) {}

func (c handlerCollector) Collect(ch chan<- prometheus.Metric) {
	for _, v := range c.r.collectors("") {
		v.Collect(ch)
	}
}

// Age exposes name, a gauge of the seconds since the timestamps (Unix seconds) that the
// gauge of timestampName holds, per label set, as of each scrape: e.g. the time since each
// instance's last successful poll, from the time of that poll.
func (r *Registry) Age(name, timestampName string) {
	r.prom.MustRegister(ageCollector{r: r, name: name, from: timestampName})
}

type ageCollector struct {
	r          *Registry
	name, from string
}

func (ageCollector) Describe(chan<- *prometheus.Desc) {}

func (c ageCollector) Collect(ch chan<- prometheus.Metric) {
	now := float64(time.Now().UnixNano()) / 1e9
	src := make(chan prometheus.Metric)
	go func() {
		for _, v := range c.r.collectors(c.from) {
			v.Collect(src)
		}
		close(src)
	}()
	for m := range src {
		var d dto.Metric
		if m.Write(&d) != nil || d.Gauge == nil {
			continue
		}
		names, values := make([]string, 0, len(d.Label)), make([]string, 0, len(d.Label))
		for _, l := range d.Label {
			names, values = append(names, l.GetName()), append(values, l.GetValue())
		}
		desc := prometheus.NewDesc(c.name, c.r.helpOf(c.name), names, nil)
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, now-d.Gauge.GetValue(), values...)
	}
}

// FuncTimeout bounds one call of a Func gauge's function.
const FuncTimeout = 5 * time.Second

// Func exposes name, a gauge whose value fn computes at each scrape (within FuncTimeout).
// A scrape on which fn fails leaves the gauge out and logs the error.
func (r *Registry) Func(name string, fn func(context.Context) (float64, error)) {
	r.prom.MustRegister(funcCollector{desc: prometheus.NewDesc(name, r.helpOf(name), nil, nil), name: name, fn: fn})
}

type funcCollector struct {
	desc *prometheus.Desc
	name string
	fn   func(context.Context) (float64, error)
}

func (c funcCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c funcCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), FuncTimeout)
	defer cancel()
	v, err := c.fn(ctx)
	if err != nil {
		slog.Warn("metric left out of this scrape", "metric", c.name, "error", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v)
}

// handler is the SDK's metrics handler on a Registry.
type handler struct {
	r    *Registry
	tags map[string]string
}

// WithTags returns a handler whose metrics carry h's tags and tags, tags winning.
func (h handler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	maps.Copy(merged, h.tags)
	for k, v := range tags {
		if k = labelName(k); k != "" {
			merged[k] = v
		}
	}
	return handler{r: h.r, tags: merged}
}

func (h handler) labels() (names []string, values prometheus.Labels) {
	return slices.Sorted(maps.Keys(h.tags)), prometheus.Labels(h.tags)
}

// Counter returns the counter of name with h's tags. Negative increments are ignored: a
// Prometheus counter only grows.
func (h handler) Counter(name string) client.MetricsCounter {
	names, values := h.labels()
	v, ok := h.r.vec(metricName(name), counter, names).(*prometheus.CounterVec)
	if !ok {
		return client.MetricsNopHandler.Counter(name)
	}
	c := v.With(values)
	return counterFunc(func(d int64) {
		if d > 0 {
			c.Add(float64(d))
		}
	})
}

// Gauge returns the gauge of name with h's tags.
func (h handler) Gauge(name string) client.MetricsGauge {
	names, values := h.labels()
	v, ok := h.r.vec(metricName(name), gauge, names).(*prometheus.GaugeVec)
	if !ok {
		return client.MetricsNopHandler.Gauge(name)
	}
	return gaugeFunc(v.With(values).Set)
}

// Timer returns the timer of name with h's tags: a histogram in seconds (TimerBuckets).
func (h handler) Timer(name string) client.MetricsTimer {
	names, values := h.labels()
	v, ok := h.r.vec(metricName(name), timer, names).(*prometheus.HistogramVec)
	if !ok {
		return client.MetricsNopHandler.Timer(name)
	}
	o := v.With(values)
	return timerFunc(func(d time.Duration) { o.Observe(d.Seconds()) })
}

// metricName makes name a valid Prometheus metric name: every other character becomes _.
func metricName(name string) string { return sanitize(name) }

// labelName makes a tag key a valid label name, "" when none can be made ("le" is the
// histogram's, "__" prefixed names are reserved).
func labelName(key string) string {
	key = sanitize(key)
	if key == "" || key == "le" || strings.HasPrefix(key, "__") {
		return ""
	}
	return key
}

func sanitize(s string) string {
	var b strings.Builder
	for i, c := range s {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
		if !ok {
			c = '_'
		}
		b.WriteRune(c)
	}
	return b.String()
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }

// Sum adds up r's series of name whose labels include want (see SumOf).
func (r *Registry) Sum(name string, want map[string]string) (float64, error) {
	mfs, err := r.prom.Gather()
	if err != nil {
		return 0, err
	}
	return SumOf(mfs, name, want), nil
}

// SumOf adds up the series of name whose labels include want (all of them for nil):
// counters and gauges by value, histograms by their number of samples. Tests and checks
// read metrics, gathered or scraped, with it.
func SumOf(families []*dto.MetricFamily, name string, want map[string]string) float64 {
	var sum float64
	for _, mf := range families {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.Metric {
			if !hasLabels(m, want) {
				continue
			}
			switch {
			case m.Counter != nil:
				sum += m.Counter.GetValue()
			case m.Gauge != nil:
				sum += m.Gauge.GetValue()
			case m.Histogram != nil:
				sum += float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return sum
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.Label {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			found++
		}
	}
	return found == len(want)
}
