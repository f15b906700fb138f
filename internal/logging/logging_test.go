package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func person(id string) (string, bool) { return strings.CutPrefix(id, "person/") }

func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		out = append(out, m)
	}
	return out
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"WorkflowID": "workflow_id", "RunID": "run_id", "ActivityType": "activity_type", "Attempt": "attempt",
		"TaskQueue": "task_queue", "employee_id": "employee_id", "msg": "msg", "IDType": "id_type", "Err2Go": "err2_go",
	} {
		assert.Equal(t, want, snake(in), in)
	}
}

func TestJSONLinesCarryTheIncidentsEmployeeID(t *testing.T) {
	var buf bytes.Buffer
	l, err := New(&buf, Options{Level: slog.LevelInfo, EmployeeOf: person})
	require.NoError(t, err)
	// The SDK's own line: its keys, a person's workflow id.
	l.Info("Activity error.", "WorkflowID", "person/1001", "RunID", "r1", "ActivityType", "ProvisionTarget")
	// Through log.With, as the SDK's workflow logger does.
	l.With("WorkflowID", "person/1002").Warn("stale incident")
	// An explicit employee id is kept, not doubled.
	l.With("WorkflowID", "app/e1").Info("app", "employee_id", "1003")
	// Not an incident: no employee id.
	l.Info("poll", "WorkflowID", "poll-workday")
	l.Debug("below the level")

	got := lines(t, &buf)
	require.Len(t, got, 4)
	assert.Equal(t, map[string]any{"workflow_id": "person/1001", "run_id": "r1", "activity_type": "ProvisionTarget", "employee_id": "1001"},
		without(got[0], "time", "level", "msg"))
	assert.Equal(t, "1002", got[1]["employee_id"])
	assert.Equal(t, "person/1002", got[1]["workflow_id"])
	assert.Equal(t, "1003", got[2]["employee_id"])
	assert.Equal(t, 1, strings.Count(strings.Split(buf.String(), "\n")[2], "employee_id"))
	assert.NotContains(t, got[3], "employee_id")
}

func without(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		delete(m, k)
	}
	return m
}

func TestTextFormat(t *testing.T) {
	var buf bytes.Buffer
	l, err := New(&buf, Options{Format: Text, EmployeeOf: person})
	require.NoError(t, err)
	l.Info("done", "WorkflowID", "person/7")
	assert.Contains(t, buf.String(), "msg=done workflow_id=person/7 employee_id=7")
}

func TestUnknownFormat(t *testing.T) {
	_, err := New(&bytes.Buffer{}, Options{Format: "xml"})
	assert.EqualError(t, err, `log format "xml": want json or text`)
}
