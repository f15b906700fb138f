package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/lifecycle"
)

// incidents returns n started incidents of type t, numbered from first.
func incidents(t lifecycle.EventType, first, n int) []activities.StartedIncident {
	out := make([]activities.StartedIncident, n)
	for i := range out {
		id := fmt.Sprint(first + i)
		out[i] = activities.StartedIncident{Type: t, EmployeeID: id, WorkflowID: "person/" + id}
	}
	return out
}

// A poll prints one line of counts per incident type; the incidents themselves only with -v.
func TestPollReportCountsPerType(t *testing.T) {
	started := append(incidents(lifecycle.NewHire, 1001, 3), incidents(lifecycle.TerminateUser, 2001, 1)...)
	rep := activities.PollReport{Instance: "workday", Rows: 50, Events: 6, Started: 4, AlreadyRunning: 2,
		Incidents: started, RowErrors: []string{"row 7: Email_Address: required"}}
	summary := "poll of workday: 50 rows, 6 events; started 3 IAM - New Hire, 1 IAM - Terminate User; 2 already running; 1 row errors\n"

	var stdout, stderr bytes.Buffer
	printPollReport(&stdout, &stderr, rep, false)
	assert.Equal(t, summary, stdout.String())
	assert.Equal(t, "row 7: Email_Address: required\n", stderr.String(), "row errors stay on stderr")

	stdout.Reset()
	printPollReport(&stdout, &stderr, rep, true)
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	assert.Len(t, lines, 5)
	assert.Contains(t, lines[0], "person/1001")
	assert.Contains(t, lines[3], "person/2001")
	assert.Equal(t, summary, lines[4]+"\n")

	stdout.Reset()
	printPollReport(&stdout, &stderr, activities.PollReport{Instance: "workday", Rows: 50}, false)
	assert.Equal(t, "poll of workday: 50 rows, 0 events; started nothing; 0 already running; 0 row errors\n", stdout.String())
}

// A report lists at most MaxListedIncidents incidents: the rest are counted, not typed.
func TestPollReportCountsUnlistedIncidents(t *testing.T) {
	n := activities.MaxListedIncidents
	rep := activities.PollReport{Instance: "workday", Rows: 700, Events: 700, Started: 700,
		Incidents: incidents(lifecycle.NewHire, 1, n), More: 700 - n}
	var stdout, stderr bytes.Buffer
	printPollReport(&stdout, &stderr, rep, false)
	assert.Equal(t, fmt.Sprintf("poll of workday: 700 rows, 700 events; started %d IAM - New Hire, 200 more, of types the report does not list; 0 already running; 0 row errors\n", n), stdout.String())
}

func TestOktaPollReportCountsPerType(t *testing.T) {
	rep := activities.OktaPollReport{Instance: "okta", Pages: 2, Events: 9, Started: 3, Duplicates: 1, Ignored: 5,
		Incidents: []activities.StartedIncident{
			{Type: lifecycle.AppAdd, WorkflowID: "app/u1"}, {Type: lifecycle.AppRemove, WorkflowID: "app/u2"},
			{Type: lifecycle.AppAdd, WorkflowID: "app/u3"},
		}}
	var stdout bytes.Buffer
	printOktaPollReport(&stdout, rep, false)
	summary := "poll of okta: 2 pages, 9 events; started 2 " + string(lifecycle.AppAdd) + ", 1 " + string(lifecycle.AppRemove) + "; 1 duplicates dropped, 5 ignored\n"
	assert.Equal(t, summary, stdout.String())

	stdout.Reset()
	printOktaPollReport(&stdout, rep, true)
	assert.Contains(t, stdout.String(), "app/u3")
	assert.True(t, strings.HasSuffix(stdout.String(), summary))
}

// A poll in which some incident failed to start prints what it did start and names the
// failures, and still fails.
func TestPollReportNamesFailedStarts(t *testing.T) {
	rep := activities.PollReport{Instance: "workday", Rows: 10, Events: 10, Started: 9, Failed: 1,
		Incidents:    incidents(lifecycle.UpdateUser, 1000, 9),
		FailedStarts: []activities.FailedStart{{Type: lifecycle.UpdateUser, EmployeeID: "1004", Error: "blob data size exceeds limit"}}}
	failure := temporal.NewNonRetryableApplicationError("1 of 10 incidents failed to start", activities.ErrTypeStartFailed, nil, rep)

	var stdout, stderr bytes.Buffer
	err := finishWorkdayPoll(&stdout, &stderr, activities.PollReport{}, failure, false, nil)
	require.ErrorIs(t, err, failure)
	assert.Equal(t, "poll of workday: 10 rows, 10 events; started 9 IAM - Update User; 0 already running; 0 row errors\n", stdout.String())
	assert.Equal(t, "failed to start IAM - Update User for employee 1004: blob data size exceeds limit\n", stderr.String())
}
