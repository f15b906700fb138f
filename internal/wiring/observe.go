package wiring

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/internal/logging"
	"github.com/ilm-dev/ilm/internal/metrics"
	"github.com/ilm-dev/ilm/workflows"
)

// Logger returns the logger of the config's log.format (format, when set, overrides it: a
// flag) at level, writing to w: every line of a person's incident carries its employee_id.
func (e *Env) Logger(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	if format == "" {
		format = e.Config.Log.Format
	}
	return logging.New(w, logging.Options{Format: format, Level: level, EmployeeOf: workflows.EmployeeIDOf})
}

// NewMetrics returns the worker's metrics registry: what the SDK and ILM record through
// its Handler, and the poll lag derived from the last successful polls.
func NewMetrics() *metrics.Registry {
	r := metrics.New(activities.MetricHelp)
	r.Age(activities.MetricPollLag, activities.MetricPollLastSuccess)
	return r
}

// ReviewsPending adds to r the number of incidents waiting for a review decision in the
// namespace, which Temporal's visibility counts (ReviewState) at each scrape: however many
// workers there are, and whichever ran the incident.
func ReviewsPending(r *metrics.Registry, c client.Client, namespace string) {
	query := fmt.Sprintf("%s = %q AND ExecutionStatus = 'Running'", workflows.ReviewStateKey.GetName(), workflows.ReviewPending)
	r.Func(activities.MetricReviewsPending, func(ctx context.Context) (float64, error) {
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: query})
		if err != nil {
			return 0, err
		}
		return float64(resp.Count), nil
	})
}

// Identity is this process's identity towards Temporal, as the SDK would make it: the
// health check looks for it among the task queue's pollers.
func Identity() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	return fmt.Sprintf("%d@%s@ilm", os.Getpid(), host)
}

// PollerFreshness is how recently the worker must have polled its task queue to be healthy:
// a long poll is renewed at least every minute or so.
const PollerFreshness = 2 * time.Minute

// Health tells whether the worker is running, connected to Temporal and polling its task
// queue: Temporal lists it (by Identity) among the queue's workflow pollers, seen within
// PollerFreshness.
type Health struct {
	client    client.Client
	taskQueue string
	identity  string
	running   atomic.Bool
}

// NewHealth returns the health of the worker that c (dialed by DialWith, so with Identity)
// runs on the config's task queue; it is not running until SetRunning(true).
func (e *Env) NewHealth(c client.Client) *Health {
	return &Health{client: c, taskQueue: e.Config.Temporal.TaskQueue, identity: Identity()}
}

// SetRunning records whether the worker runs.
func (h *Health) SetRunning(running bool) { h.running.Store(running) }

// Check returns nil when the worker is healthy, or why it is not.
func (h *Health) Check(ctx context.Context) error {
	if !h.running.Load() {
		return errors.New("the worker is not running")
	}
	if _, err := h.client.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	resp, err := h.client.DescribeTaskQueue(ctx, h.taskQueue, enums.TASK_QUEUE_TYPE_WORKFLOW)
	if err != nil {
		return fmt.Errorf("describe task queue %s: %w", h.taskQueue, err)
	}
	for _, p := range resp.GetPollers() {
		if p.GetIdentity() == h.identity && time.Since(p.GetLastAccessTime().AsTime()) < PollerFreshness {
			return nil
		}
	}
	return fmt.Errorf("not polling task queue %s (no poller %s seen in the last %s)", h.taskQueue, h.identity, PollerFreshness)
}
