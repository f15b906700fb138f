//go:build integration

package integration

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/codec"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/workflows"
)

// With temporal.codec.keys_file set, Temporal holds no name, email or phone of the person in
// clear: not in inputs, results, failure messages, memo, static summary and details, or
// search attributes (Email holds a keyed hash). The
// same run without the codec shows the scan finds them, so an empty scan means something.
func TestHistoryHoldsNoPersonalDataWithTheCodec(t *testing.T) {
	t.Run("without the codec the scan finds them", func(t *testing.T) {
		run := runScannedIncident(t, "")
		assert.NotEmpty(t, run.leaks)
		assert.Contains(t, strings.Join(run.leaks, "\n"), "ActivityTaskFailed", "the failure message quotes the email")
	})
	t.Run("with the codec", func(t *testing.T) {
		keys := filepath.Join(t.TempDir(), "codec-keys")
		require.NoError(t, os.WriteFile(keys, []byte("# test key\nit-1 AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n"), 0o600))
		run := runScannedIncident(t, keys)
		assert.Empty(t, run.leaks)

		// …and the codec reads it back: the input, the failure and the static summary.
		cdc, err := codec.Load(keys)
		require.NoError(t, err)
		dc := codec.DataConverter(cdc)
		var in activities.Incident
		require.NoError(t, dc.FromPayloads(run.started.GetInput(), &in))
		assert.Equal(t, run.email, in.Profile.Fields[profile.Email])
		require.NotNil(t, run.failed)
		assert.Contains(t, codec.FailureConverter(dc).FailureToError(run.failed.GetFailure()).Error(), run.email)
		desc, err := run.h.client.DescribeWorkflow(run.h.ctx, workflows.PersonWorkflowID(run.h.id(1)), "")
		require.NoError(t, err)
		summary, err := desc.GetStaticSummary()
		require.NoError(t, err)
		assert.Contains(t, summary, run.h.id(1))
	})
}

// scannedRun is a finished incident and what a client without the codec read of it.
type scannedRun struct {
	h       *harness
	email   string
	leaks   []string // "workflow event N TYPE: needle" for each needle found in clear
	started *historypb.WorkflowExecutionStartedEventAttributes
	failed  *historypb.ActivityTaskFailedEventAttributes
}

// runScannedIncident runs a new hire whose first create fails with the email in its message,
// retries it after review, and scans the raw histories of the poll and the incident.
func runScannedIncident(t *testing.T, keysFile string) scannedRun {
	var copts client.Options
	require.NoError(t, wiring.Encrypt(&copts, keysFile))
	h := newHarnessDialing(t, copts, withEmailSearch(t, keysFile))
	email := fmt.Sprintf("ada.lovelace.%s@example.com", h.prefix)
	needles := []string{email, "Lovelace", "Augusta", "+44 20 7946 0958"}
	row := h.person(1, "2026-10-01")
	row["Preferred_Name"], row["Preferred_Name_-_First_Name"], row["Preferred_Name_-_Last_Name"] = "Augusta Ada Lovelace", "Augusta", "Lovelace"
	row["Email_Address"], row["Work_Phone"] = email, "+44 20 7946 0958"
	h.setReport(row)
	h.target.FailNext(connectors.OpCreate, connectors.Invalid("no OU for %s", email))

	pollID := "poll-" + h.prefix + "codec"
	poll, err := h.client.ExecuteWorkflow(h.ctx, client.StartWorkflowOptions{ID: pollID, TaskQueue: h.cfg.Temporal.TaskQueue},
		workflows.WorkdayPoll, activities.PollRequest{Instance: "workday", Now: day1})
	require.NoError(t, err)
	require.NoError(t, poll.Get(h.ctx, nil))
	id := workflows.PersonWorkflowID(h.id(1))
	require.Equal(t, 1, h.count(fmt.Sprintf(`WorkflowId = %q AND ReviewState = "Pending"`, id), 1))
	v, err := h.client.QueryWorkflow(h.ctx, id, "", workflows.ReviewQuery)
	require.NoError(t, err)
	var review workflows.ReviewStatus
	require.NoError(t, v.Get(&review))
	u, err := h.client.UpdateWorkflow(h.ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: workflows.ReviewUpdate,
		Args:         []any{workflows.Decision{ReviewID: review.ReviewID, Action: workflows.ActionRetry, Reviewer: "alice"}},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	require.NoError(t, err)
	require.NoError(t, u.Get(h.ctx, nil))
	res := h.waitDone(1)
	require.True(t, res.ProfileSaved)

	raw, err := client.Dial(client.Options{HostPort: os.Getenv("ILM_TEST_TEMPORAL_ADDRESS")})
	require.NoError(t, err)
	defer raw.Close()
	run := scannedRun{h: h, email: email}
	find := func(where string, m proto.Message) {
		b, err := proto.Marshal(m)
		require.NoError(t, err)
		b = bytes.ToLower(b)
		for _, n := range needles {
			if bytes.Contains(b, []byte(strings.ToLower(n))) {
				run.leaks = append(run.leaks, where+": "+n)
			}
		}
	}
	for _, wf := range []string{pollID, id} {
		events := 0
		it := raw.GetWorkflowHistory(h.ctx, wf, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			require.NoError(t, err)
			events++
			find(fmt.Sprintf("%s event %d %s", wf, ev.GetEventId(), ev.GetEventType()), ev)
			if wf != id {
				continue
			}
			if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil {
				run.started = a
			}
			if a := ev.GetActivityTaskFailedEventAttributes(); a != nil {
				run.failed = a
			}
		}
		require.NotZero(t, events, wf)
		desc, err := raw.DescribeWorkflowExecution(h.ctx, wf, "")
		require.NoError(t, err)
		find(wf+" description (memo, search attributes, summary, details)", desc)
	}
	require.NotNil(t, run.started)
	return run
}
