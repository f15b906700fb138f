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
// (recorded from TestScopeEnterAndExitOnTheDevServer, renamed by hand). The folder
// local-commit/ holds each type again as recorded after incidents began to save the profile in
// their last workflow task and App incidents to call their target as a local activity (both
// behind workflow.GetVersion): the top level keeps the older paths, which incidents started
// before an upgrade still take.
func TestRecordedHistoriesReplay(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.json", "*/*.json"} {
		found, err := filepath.Glob(filepath.Join("testdata", "histories", pattern))
		require.NoError(t, err)
		files = append(files, found...)
	}
	if len(files) == 0 {
		t.Skip("no recorded histories in testdata/histories: run make record-histories")
	}
	for _, file := range files {
		name, _ := filepath.Rel(filepath.Join("testdata", "histories"), file)
		t.Run(name, func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			Register(replayer)
			require.NoError(t, replayer.ReplayWorkflowHistoryFromJSONFile(nil, file))
		})
	}
}
