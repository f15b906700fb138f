package workflows

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/worker"
)

// Every recorded history (testdata/histories, written from real runs on the dev server by
// `make record-histories`) replays against today's workflow code: a change that would make a
// running incident fail after an upgrade fails here first. Such a change needs
// workflow.GetVersion, then a new recording. NewHireOutOfScope.json and
// UpdateUserScopeExit.json are a new hire and an update that a target's scope sets apart
// (recorded from TestScopeEnterAndExitOnTheDevServer, renamed by hand).
func TestRecordedHistoriesReplay(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no recorded histories in testdata/histories: run make record-histories")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			Register(replayer)
			require.NoError(t, replayer.ReplayWorkflowHistoryFromJSONFile(nil, file))
		})
	}
}
