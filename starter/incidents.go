package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/ilm-dev/ilm/workflows"
)

// incidentLine is one incident `ilm incidents` prints.
type incidentLine struct {
	WorkflowID   string     `json:"workflow_id"`
	RunID        string     `json:"run_id"`
	WorkflowType string     `json:"workflow_type"`
	IncidentType string     `json:"incident_type,omitempty"`
	EmployeeID   string     `json:"employee_id,omitempty"`
	Status       string     `json:"status"`
	StartTime    time.Time  `json:"start_time"`
	CloseTime    *time.Time `json:"close_time,omitempty"`
}

// runIncidents lists the incidents of a person found by email, newest first, one JSON object
// a line. The Email search attribute holds the email, or with a codec a keyed hash of it: the
// query asks for its value under every key of the keys file, so incidents started before a
// rotation are found too. --print-query prints the query for the Web UI instead.
func runIncidents(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("incidents", stdout, stderr)
	email := fs.String("email", "", "the person's email (any case)")
	printQuery := fs.Bool("print-query", false, "print the visibility query to paste into the Web UI's search, and query nothing")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("unexpected argument %q", pos[0])}
	}
	if err := required("email", *email); err != nil {
		return err
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	emails, err := env.EmailSearch()
	if err != nil {
		return err
	}
	query := emailQuery(emails.Values(*email))
	if *printQuery {
		fmt.Fprintln(stdout, query)
		return nil
	}
	tc, err := env.Dial(slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	out := json.NewEncoder(stdout)
	n := 0
	var token []byte
	for {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: env.Config.Temporal.Namespace, Query: query, NextPageToken: token, PageSize: 100,
		})
		if err != nil {
			return fmt.Errorf("list incidents (%s): %w", query, err)
		}
		for _, e := range resp.Executions {
			line := incidentLine{WorkflowID: e.GetExecution().GetWorkflowId(), RunID: e.GetExecution().GetRunId(),
				WorkflowType: e.GetType().GetName(), Status: statusName(e.GetStatus().String()), StartTime: e.GetStartTime().AsTime()}
			fields := e.GetSearchAttributes().GetIndexedFields()
			line.IncidentType = keyword(fields[workflows.IncidentTypeKey.GetName()])
			line.EmployeeID = keyword(fields[workflows.EmployeeIDKey.GetName()])
			if e.GetCloseTime() != nil {
				t := e.GetCloseTime().AsTime()
				line.CloseTime = &t
			}
			if err := out.Encode(line); err != nil {
				return err
			}
			n++
		}
		if token = resp.NextPageToken; len(token) == 0 {
			break
		}
	}
	fmt.Fprintf(stderr, "%d incidents\n", n)
	return nil
}

// emailQuery is the visibility query of the incidents whose Email is any of values.
func emailQuery(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%s IN (%s)", workflows.EmailKey.GetName(), strings.Join(quoted, ", "))
}

// statusName is a workflow status as the Web UI shows it: Running, Completed, TimedOut, …
func statusName(enum string) string {
	var b strings.Builder
	for _, word := range strings.Split(strings.TrimPrefix(enum, "WORKFLOW_EXECUTION_STATUS_"), "_") {
		if word != "" {
			b.WriteString(word[:1] + strings.ToLower(word[1:]))
		}
	}
	return b.String()
}

// keyword decodes a Keyword search attribute's payload; "" when it is missing.
func keyword(p *commonpb.Payload) string {
	var s string
	if p == nil || converter.GetDefaultDataConverter().FromPayload(p, &s) != nil {
		return ""
	}
	return s
}
