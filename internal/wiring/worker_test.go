package wiring

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/config"
)

// Each key of the config's worker section reaches its own SDK option.
func TestWorkerOptionsCarryTheConfig(t *testing.T) {
	got := WorkerOptions(config.Worker{MaxConcurrentActivities: 11, MaxConcurrentLocalActivities: 12, MaxConcurrentWorkflowTasks: 13,
		WorkflowTaskPollers: 4, ActivityTaskPollers: 5, ActivitiesPerSecond: 7.5})
	assert.Equal(t, worker.Options{MaxConcurrentActivityExecutionSize: 11, MaxConcurrentLocalActivityExecutionSize: 12,
		MaxConcurrentWorkflowTaskExecutionSize: 13, MaxConcurrentWorkflowTaskPollers: 4, MaxConcurrentActivityTaskPollers: 5,
		WorkerActivitiesPerSecond: 7.5}, got)
}
