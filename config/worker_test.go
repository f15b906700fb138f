package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without a worker section a process takes on 100 activities, 100 local activities and 100
// workflow tasks at a time, with two pollers each; set keys replace only themselves.
func TestWorkerDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`store: sqlite:ilm.db`))
	require.NoError(t, err)
	assert.Equal(t, Worker{MaxConcurrentActivities: 100, MaxConcurrentLocalActivities: 100, MaxConcurrentWorkflowTasks: 100,
		WorkflowTaskPollers: 2, ActivityTaskPollers: 2}, cfg.Worker)

	cfg, err = Parse([]byte(`worker: {max_concurrent_activities: 20, activity_task_pollers: 4, activities_per_second: 50}`))
	require.NoError(t, err)
	assert.Equal(t, Worker{MaxConcurrentActivities: 20, MaxConcurrentLocalActivities: 100, MaxConcurrentWorkflowTasks: 100,
		WorkflowTaskPollers: 2, ActivityTaskPollers: 4, ActivitiesPerSecond: 50}, cfg.Worker)
}

func TestWorkerErrorsNameTheKey(t *testing.T) {
	assertParseErrors(t, map[string]struct{ doc, want string }{
		"unknown key":             {`worker: {max_activities: 3}`, `unknown key "max_activities"`},
		"negative activities":     {`worker: {max_concurrent_activities: -1}`, `worker.max_concurrent_activities: -1; must be empty or >= 1`},
		"negative local":          {`worker: {max_concurrent_local_activities: -5}`, `worker.max_concurrent_local_activities: -5`},
		"one workflow task":       {`worker: {max_concurrent_workflow_tasks: 1, workflow_task_pollers: 2}`, `worker.max_concurrent_workflow_tasks: 1; must be empty or >= 2`},
		"one workflow poller":     {`worker: {workflow_task_pollers: 1}`, `worker.workflow_task_pollers: 1; must be empty or >= 2`},
		"negative pollers":        {`worker: {activity_task_pollers: -2}`, `worker.activity_task_pollers: -2`},
		"more pollers than slots": {`worker: {max_concurrent_activities: 4, activity_task_pollers: 8}`, `worker.activity_task_pollers: 8 is more than max_concurrent_activities (4)`},
		"more wf pollers":         {`worker: {max_concurrent_workflow_tasks: 4, workflow_task_pollers: 5}`, `worker.workflow_task_pollers: 5 is more than max_concurrent_workflow_tasks (4)`},
		"negative rate":           {`worker: {activities_per_second: -0.5}`, `worker.activities_per_second: -0.5; must be >= 0 (0: no cap)`},
	})
}
