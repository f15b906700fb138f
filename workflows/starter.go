package workflows

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/activities"
)

// IncidentStarter starts incident workflows on a Temporal cluster. It implements
// activities.IncidentStarter.
type IncidentStarter struct {
	Client    client.Client
	Namespace string
	TaskQueue string
	// EmailSearch, when set, is the value of the Email search attribute of a person's email
	// (codec.EmailSearch.Value: the email, or a keyed hash of it when payloads are
	// encrypted); unset, incidents carry no Email.
	EmailSearch func(email string) string
}

// Start starts the incident's workflow under the person's id. While another incident of the
// person runs the start is refused (started=false) and the next poll detects the event again;
// after a failure the same id is reused, so a failed incident is retried, not duplicated.
func (s IncidentStarter) Start(ctx context.Context, in activities.Incident) (string, bool, error) {
	wf, ok := IncidentWorkflow(in.Type)
	if !ok {
		return "", false, fmt.Errorf("no workflow for incident type %q", in.Type)
	}
	id := PersonWorkflowID(in.EmployeeID)
	attrs := []temporal.SearchAttributeUpdate{
		EmployeeIDKey.ValueSet(in.EmployeeID),
		IncidentTypeKey.ValueSet(string(in.Type)),
		InstanceKey.ValueSet(in.Instance),
	}
	if email := s.emailValue(in.Profile.Email()); email != "" {
		attrs = append(attrs, EmailKey.ValueSet(email))
	}
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                s.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes:    temporal.NewSearchAttributes(attrs...),
		StaticSummary:            fmt.Sprintf("%s %s", in.Type, in.EmployeeID),
		StaticDetails:            in.Details,
	}
	started, err := s.start(ctx, opts, wf, in)
	return id, started, err
}

// StartApp starts the App workflow of an Okta event under the event's id. A workflow of that
// id, running or closed, means the event was delivered before: nothing is started.
//
// The start asks for eager execution: when this process runs a worker of the task queue with
// a free workflow slot, the server hands the first workflow task back in the start's reply
// instead of queueing it for a poller, which saves the server a task dispatch per event (a
// poll starts thousands). Otherwise the task is queued as usual. The history is the same.
func (s IncidentStarter) StartApp(ctx context.Context, ev activities.AppEvent) (string, bool, error) {
	wf, ok := IncidentWorkflow(ev.Type)
	if !ok {
		return "", false, fmt.Errorf("no workflow for incident type %q", ev.Type)
	}
	id := AppWorkflowID(ev.UUID)
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                s.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			IncidentTypeKey.ValueSet(string(ev.Type)),
			InstanceKey.ValueSet(ev.Instance),
		),
		StaticSummary:    fmt.Sprintf("%s %s", ev.Type, ev.UserID),
		EnableEagerStart: true,
	}
	started, err := s.start(ctx, opts, wf, ev)
	return id, started, err
}

// emailValue is the Email search attribute's value of email; "" for none.
func (s IncidentStarter) emailValue(email string) string {
	if s.EmailSearch == nil || email == "" {
		return ""
	}
	return s.EmailSearch(email)
}

// start starts a workflow; started is false when its id is taken, which the options turn
// into an error rather than the SDK's default of handing back the existing run.
func (s IncidentStarter) start(ctx context.Context, opts client.StartWorkflowOptions, wf, arg any) (bool, error) {
	opts.WorkflowExecutionErrorWhenAlreadyStarted = true
	_, err := s.Client.ExecuteWorkflow(ctx, opts, wf, arg)
	var taken *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &taken) {
		return false, nil
	}
	return err == nil, err
}

// Running lists the employee ids whose incident workflow is open.
func (s IncidentStarter) Running(ctx context.Context) (map[string]bool, error) {
	running := map[string]bool{}
	query := fmt.Sprintf("WorkflowId STARTS_WITH %q AND ExecutionStatus = 'Running'", PersonWorkflowPrefix)
	var token []byte
	for {
		resp, err := s.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: s.Namespace, Query: query, NextPageToken: token, PageSize: 1000,
		})
		if err != nil {
			return nil, err
		}
		for _, e := range resp.Executions {
			running[e.Execution.WorkflowId[len(PersonWorkflowPrefix):]] = true
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return running, nil
		}
	}
}
