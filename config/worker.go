package config

import (
	"fmt"
	"net"
)

// Worker configures the worker process: where it serves metrics, and how much work it takes
// on at a time (the SDK's worker options, go.temporal.io/sdk/worker.Options). Every ILM activity is a call to a system (an
// LDAPS connection of its own for AD, an HTTP request for the others), so the defaults are
// far below the SDK's 1,000 concurrent activities: a new-hire report of thousands would
// otherwise open a thousand connections to the DC at once, per worker process. To go faster,
// run more worker processes on the same task queue (and a shared PostgreSQL store) or raise
// these.
type Worker struct {
	// MetricsListen is the host:port the worker serves /metrics (Prometheus) and /healthz
	// on; empty serves neither. The worker's --metrics-listen overrides it.
	MetricsListen string `yaml:"metrics_listen"`

	// MaxConcurrentActivities bounds the activities (target calls, polls, profile commits)
	// running at once; default 100.
	MaxConcurrentActivities int `yaml:"max_concurrent_activities"`
	// MaxConcurrentLocalActivities bounds the local activities (App Sync's store reads and
	// writes) running at once; default 100.
	MaxConcurrentLocalActivities int `yaml:"max_concurrent_local_activities"`
	// MaxConcurrentWorkflowTasks bounds the workflow tasks (playbook code between two
	// calls) running at once; default 100, at least 2 (the SDK alternates its sticky and
	// normal queues).
	MaxConcurrentWorkflowTasks int `yaml:"max_concurrent_workflow_tasks"`
	// WorkflowTaskPollers and ActivityTaskPollers are the long polls on the task queue for
	// each kind of task; default 2 each, at least 2 for workflow tasks (as above).
	WorkflowTaskPollers int `yaml:"workflow_task_pollers"`
	ActivityTaskPollers int `yaml:"activity_task_pollers"`
	// ActivitiesPerSecond caps how many activities the process starts a second, to spare
	// the targets; 0 (default) is no cap.
	ActivitiesPerSecond float64 `yaml:"activities_per_second"`
}

// The worker's defaults (see Worker).
const (
	DefaultMaxConcurrentActivities      = 100
	DefaultMaxConcurrentLocalActivities = 100
	DefaultMaxConcurrentWorkflowTasks   = 100
	DefaultTaskPollers                  = 2
)

func (w *Worker) applyDefaults() {
	for _, d := range []struct {
		v   *int
		def int
	}{
		{&w.MaxConcurrentActivities, DefaultMaxConcurrentActivities},
		{&w.MaxConcurrentLocalActivities, DefaultMaxConcurrentLocalActivities},
		{&w.MaxConcurrentWorkflowTasks, DefaultMaxConcurrentWorkflowTasks},
		{&w.WorkflowTaskPollers, DefaultTaskPollers},
		{&w.ActivityTaskPollers, DefaultTaskPollers},
	} {
		if *d.v == 0 {
			*d.v = d.def
		}
	}
}

func (w *Worker) validate() []error {
	const key = "worker"
	var errs []error
	for _, f := range []struct {
		name     string
		v, least int
	}{
		{"max_concurrent_activities", w.MaxConcurrentActivities, 1},
		{"max_concurrent_local_activities", w.MaxConcurrentLocalActivities, 1},
		{"max_concurrent_workflow_tasks", w.MaxConcurrentWorkflowTasks, 2},
		{"workflow_task_pollers", w.WorkflowTaskPollers, 2},
		{"activity_task_pollers", w.ActivityTaskPollers, 1},
	} {
		if f.v < f.least {
			errs = append(errs, fmt.Errorf("%s.%s: %d; must be empty or >= %d", key, f.name, f.v, f.least))
		}
	}
	if w.WorkflowTaskPollers > w.MaxConcurrentWorkflowTasks {
		errs = append(errs, fmt.Errorf("%s.workflow_task_pollers: %d is more than max_concurrent_workflow_tasks (%d): the extra pollers would only wait",
			key, w.WorkflowTaskPollers, w.MaxConcurrentWorkflowTasks))
	}
	if w.ActivityTaskPollers > w.MaxConcurrentActivities {
		errs = append(errs, fmt.Errorf("%s.activity_task_pollers: %d is more than max_concurrent_activities (%d): the extra pollers would only wait",
			key, w.ActivityTaskPollers, w.MaxConcurrentActivities))
	}
	if w.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(w.MetricsListen); err != nil {
			errs = append(errs, fmt.Errorf("%s.metrics_listen: %q is not host:port (e.g. 127.0.0.1:9464 or :9464): %v", key, w.MetricsListen, err))
		}
	}
	if w.ActivitiesPerSecond < 0 {
		errs = append(errs, fmt.Errorf("%s.activities_per_second: %g; must be >= 0 (0: no cap)", key, w.ActivitiesPerSecond))
	}
	return errs
}
