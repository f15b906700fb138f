package activities

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/hrsync"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
)

// testHeartbeatTimeout is the heartbeat timeout of pollOnce; the slow reports take longer.
const testHeartbeatTimeout = 2 * time.Second

// pollOnce runs PollWorkday once, with a short heartbeat timeout and no retry.
func pollOnce(ctx workflow.Context, req PollRequest) (PollReport, error) {
	var a *Activities
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		HeartbeatTimeout:    testHeartbeatTimeout,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	var rep PollReport
	err := workflow.ExecuteActivity(ctx, a.PollWorkday, req).Get(ctx, &rep)
	return rep, err
}

// slowWorkday is a poll of a Workday stand-in that reports ten active people.
type slowWorkday struct {
	t    *testing.T
	h    *hrPoll
	wd   *standin.Handler
	rows []map[string]any
}

func newSlowWorkday(t *testing.T) *slowWorkday {
	dir := t.TempDir()
	user, pass := filepath.Join(dir, "user"), filepath.Join(dir, "pass")
	require.NoError(t, os.WriteFile(user, []byte("ilm-isu"), 0o600))
	require.NoError(t, os.WriteFile(pass, []byte("s3cret"), 0o600))
	wd := standin.New(standin.Config{Username: "ilm-isu", Password: "s3cret"})
	srv := standin.Start(t, wd)
	var rows []map[string]any
	for i := range 10 {
		rows = append(rows, map[string]any{
			"Emp_ID": fmt.Sprintf("10%02d", i), "Email_Address": fmt.Sprintf("p%02d@example.com", i),
			"Preferred_Name": fmt.Sprintf("Person %02d", i), "Employment_Status": "Active", "Last_Hire_Date": "2020-03-02",
		})
	}
	require.NoError(t, wd.SetReport(rows))
	cfg, err := config.Parse([]byte(fmt.Sprintf(`instances: [{name: workday, type: workday, report_url: %q,
  username_file: %s, password_file: %s, sync_on_first_run: true}]`, wd.URL(srv.URL), user, pass)))
	require.NoError(t, err)
	h := newHRPoll(t)
	h.acts.Config, h.acts.Planner = cfg, &hrsync.Planner{Config: cfg, Store: h.acts.Store}
	return &slowWorkday{t: t, h: h, wd: wd, rows: rows}
}

// poll runs pollOnce against the stand-in.
func (s *slowWorkday) poll() (PollReport, error) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(time.Minute)
	env.RegisterWorkflow(pollOnce)
	env.RegisterActivity(s.h.acts)
	env.ExecuteWorkflow(pollOnce, PollRequest{Instance: "workday", Now: pollNow})
	require.True(s.t, env.IsWorkflowCompleted())
	var rep PollReport
	if err := env.GetWorkflowError(); err != nil {
		return rep, err
	}
	require.NoError(s.t, env.GetWorkflowResult(&rep))
	return rep, nil
}

// A report that takes longer than the heartbeat timeout to arrive, whether Workday sends
// nothing for a while or trickles it, is read to the end: the poll heartbeats while it
// waits. So is the first poll, which only syncs.
func TestSlowReportKeepsThePollAlive(t *testing.T) {
	slow := 5 * time.Second
	for name, fault := range map[string]standin.Fault{
		"first byte late": {Delay: slow},
		"trickled":        {Trickle: slow},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			t.Run("initial sync", func(t *testing.T) {
				t.Parallel()
				s := newSlowWorkday(t)
				s.wd.SetFault(fault)
				rep, err := s.poll()
				require.NoError(t, err)
				assert.True(t, rep.InitialSync)
				assert.Equal(t, 10, rep.ProfilesSynced)
			})
			t.Run("plan", func(t *testing.T) {
				t.Parallel()
				s := newSlowWorkday(t)
				_, err := s.poll()
				require.NoError(t, err)
				s.rows[0]["Employment_Status"], s.rows[0]["Termination_Date"] = "Terminated", "2026-11-20"
				require.NoError(t, s.wd.SetReport(s.rows))
				s.wd.SetFault(fault)
				rep, err := s.poll()
				require.NoError(t, err)
				assert.False(t, rep.InitialSync)
				assert.Equal(t, 10, rep.Rows)
				assert.Equal(t, 1, rep.Started)
			})
		})
	}
}
