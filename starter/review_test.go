package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/workflows"
)

// reviewServer is a Temporal client that answers the review query with status and records
// the updates sent, refusing them with reject when set.
type reviewServer struct {
	client.Client
	status  workflows.ReviewStatus
	queries int
	sent    []client.UpdateWorkflowOptions
	reject  error
}

func (f *reviewServer) QueryWorkflow(_ context.Context, _, _, queryType string, _ ...any) (converter.EncodedValue, error) {
	f.queries++
	if queryType != workflows.ReviewQuery {
		return nil, fmt.Errorf("unknown query %q", queryType)
	}
	return statusValue{f.status}, nil
}

func (f *reviewServer) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.sent = append(f.sent, o)
	return updateHandle{err: f.reject}, nil
}

type statusValue struct{ st workflows.ReviewStatus }

func (v statusValue) HasValue() bool { return true }
func (v statusValue) Get(ptr any) error {
	*ptr.(*workflows.ReviewStatus) = v.st
	return nil
}

type updateHandle struct {
	client.WorkflowUpdateHandle
	err error
}

func (h updateHandle) Get(context.Context, any) error { return h.err }

func TestDecideSendsThePendingReviewsID(t *testing.T) {
	srv := &reviewServer{status: workflows.ReviewStatus{ReviewID: "run#2", State: workflows.ReviewPending}}
	d, err := decideReview(t.Context(), srv, "person/1001", workflows.Decision{Action: workflows.ActionRetry, Reviewer: "alice"})
	require.NoError(t, err)
	want := workflows.Decision{ReviewID: "run#2", Action: workflows.ActionRetry, Reviewer: "alice"}
	assert.Equal(t, want, d)
	assert.Equal(t, []client.UpdateWorkflowOptions{{WorkflowID: "person/1001", UpdateName: workflows.ReviewUpdate,
		Args: []any{want}, WaitForStage: client.WorkflowUpdateStageCompleted}}, srv.sent)
}

func TestDecideWithNoReviewPendingSendsNothing(t *testing.T) {
	for _, state := range []string{"", workflows.ReviewDecided, workflows.ReviewExpired} {
		srv := &reviewServer{status: workflows.ReviewStatus{ReviewID: "run#1", State: state}}
		_, err := decideReview(t.Context(), srv, "person/1001", workflows.Decision{Action: workflows.ActionRetry})
		require.EqualError(t, err, "person/1001: no review pending", state)
		assert.Empty(t, srv.sent, state)
	}
}

func TestDecideANamedReview(t *testing.T) {
	srv := &reviewServer{reject: errors.New("review run#1 is not pending; pending is run#2")}
	_, err := decideReview(t.Context(), srv, "app/4d8a", workflows.Decision{ReviewID: "run#1", Action: workflows.ActionSkip})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "review run#1 is not pending; pending is run#2", "the incident's refusal reaches the operator")
	assert.Zero(t, srv.queries, "a named review is sent as named")
	require.Len(t, srv.sent, 1)
	assert.Equal(t, "app/4d8a", srv.sent[0].WorkflowID)
}

func TestReviewUsage(t *testing.T) {
	for _, args := range [][]string{
		{"review", "--employee-id", "1001", "--action", "retry"},
		{"review", "decide", "--employee-id", "1001", "--action", "maybe"},
		{"review", "decide", "--action", "retry"},
		{"review", "status", "--employee-id", "1001", "--workflow-id", "app/1"},
	} {
		code, _, _ := ilm(args...)
		assert.Equal(t, exitUsage, code, args)
	}
}

// The whole command on a real dev server, against a Sync User review: with no reviewer role
// its activities touch nothing.
func TestReviewDecideOnTheDevServer(t *testing.T) {
	addr := os.Getenv("ILM_TEST_TEMPORAL_ADDRESS")
	if addr == "" {
		t.Skip("ILM_TEST_TEMPORAL_ADDRESS not set: start a dev server with scripts/temporal.sh start")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, err := client.Dial(client.Options{HostPort: addr})
	require.NoError(t, err)
	defer c.Close()
	employee := fmt.Sprintf("cli%d", time.Now().UnixNano())
	queue := "ilm-cli-" + employee
	dir := t.TempDir()
	workerStore, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "worker.db"))
	require.NoError(t, err)
	defer workerStore.Close()
	w := worker.New(c, queue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: workerStore})
	require.NoError(t, w.Start())
	defer w.Stop()

	cfg := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf("temporal: {address: %q, task_queue: %q}\n", addr, queue)), 0o644))
	common := []string{"--config", cfg, "--store", "sqlite:" + filepath.Join(dir, "ilm.db"), "--employee-id", employee}
	t.Setenv("ILM_TEMPORAL_ADDRESS", addr)

	in := activities.Incident{Type: lifecycle.SyncUser, EmployeeID: employee, Details: "An orphan user was detected",
		Profile: profile.Profile{Fields: profile.Fields{profile.EmployeeID: employee}}, Review: activities.ReviewPolicy{Timeout: time.Hour}}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.PersonWorkflowID(employee), TaskQueue: queue},
		workflows.SyncUserReview, in)
	require.NoError(t, err)
	var st workflows.ReviewStatus
	require.Eventually(t, func() bool {
		code, out, _ := ilm(append([]string{"review", "status"}, common...)...)
		return code == exitOK && json.Unmarshal([]byte(out), &st) == nil && st.State == workflows.ReviewPending
	}, 30*time.Second, 100*time.Millisecond)
	assert.Equal(t, run.GetRunID()+"#1", st.ReviewID)

	code, _, errOut := ilm(append([]string{"review", "decide", "--action", "skip", "--review-id", run.GetRunID() + "#7"}, common...)...)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "review "+run.GetRunID()+"#7 is not pending; pending is "+st.ReviewID)

	code, out, errOut := ilm(append([]string{"review", "decide", "--action", "skip", "--reviewer", "dan"}, common...)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "review "+st.ReviewID+" of person/"+employee+" decided: skip\n", out)
	var res workflows.IncidentResult
	require.NoError(t, run.Get(ctx, &res))
	assert.Equal(t, []workflows.Decision{{ReviewID: st.ReviewID, Action: workflows.ActionSkip, Reviewer: "dan"}}, res.Reviews)

	code, _, errOut = ilm(append([]string{"review", "decide", "--action", "retry"}, common...)...)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "no review pending")
}
