//go:build integration

package integration

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// recordHistories, when ILM_RECORD_HISTORIES names a folder, writes there the history of one
// completed workflow of each type that ran on queue, unless the folder has one of that type
// already: the recordings the replay test (workflows/replay_test.go) replays. The integration
// tests that run every workflow type end to end are the recording.
func recordHistories(t *testing.T, c client.Client, queue string) {
	dir := os.Getenv("ILM_RECORD_HISTORIES")
	if dir == "" {
		return
	}
	ctx := context.Background()
	resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("TaskQueue = %q AND ExecutionStatus = 'Completed'", queue), PageSize: 1000,
	})
	require.NoError(t, err)
	for _, e := range resp.Executions {
		recordHistory(t, c, e.Execution.WorkflowId, e.Execution.RunId, e.Type.Name+".json")
	}
}

// recordHistoryAs, when ILM_RECORD_HISTORIES names a folder, writes there the history of the
// workflow's latest run as file, unless the folder has it already: the recording of a path a
// workflow type's first recording does not take (a New Hire with unique names).
func recordHistoryAs(t *testing.T, c client.Client, workflowID, file string) {
	if os.Getenv("ILM_RECORD_HISTORIES") != "" {
		recordHistory(t, c, workflowID, "", file)
	}
}

// recordHistory writes the history of the run as file in the ILM_RECORD_HISTORIES folder,
// unless it is there already.
func recordHistory(t *testing.T, c client.Client, workflowID, runID, file string) {
	file = filepath.Join(os.Getenv("ILM_RECORD_HISTORIES"), file)
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		return
	}
	ctx := context.Background()
	hist := &historypb.History{}
	it := c.GetWorkflowHistory(ctx, workflowID, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		hist.Events = append(hist.Events, ev)
	}
	data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, data, 0o644))
	t.Logf("recorded %s from %s", file, workflowID)
}
