package workflows

import (
	"context"
	"strings"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
)

// employeeHeader carries an incident's employee id from its workflow to the activities it
// runs, for their log lines. Like the EmployeeID search attribute it is an opaque id.
const employeeHeader = "ilm-employee-id"

// Interceptor returns the worker interceptor that makes incidents observable:
//   - every line an incident's workflow logs carries its employee_id: the EmployeeID search
//     attribute (an App Sync incident sets it once its event is resolved to a person), else
//     the id in its PersonWorkflowID; and the activities it runs log it too (employeeHeader);
//   - incidents are counted started, completed and failed by type, the IncidentType search
//     attribute (activities.MetricIncidentsStarted, …), through the SDK's workflow metrics
//     handler, which records nothing while a workflow replays. Polls are not incidents.
func Interceptor() interceptor.WorkerInterceptor { return &observer{} }

// EmployeeIDOf returns the employee id a workflow id names: that of a PersonWorkflowID;
// "" and false for another.
func EmployeeIDOf(workflowID string) (string, bool) {
	id, ok := strings.CutPrefix(workflowID, PersonWorkflowPrefix)
	if !ok || id == "" {
		return "", false
	}
	return id, true
}

type observer struct {
	interceptor.WorkerInterceptorBase
}

func (*observer) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	in := &observeWorkflow{}
	in.Next = next
	return in
}

func (*observer) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	in := &observeActivity{}
	in.Next = next
	return in
}

type observeWorkflow struct {
	interceptor.WorkflowInboundInterceptorBase
}

func (in *observeWorkflow) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	out := &observeWorkflowOut{}
	out.Next = outbound
	return in.Next.Init(out)
}

func (in *observeWorkflow) ExecuteWorkflow(ctx workflow.Context, input *interceptor.ExecuteWorkflowInput) (any, error) {
	typ, ok := workflow.GetTypedSearchAttributes(ctx).GetKeyword(IncidentTypeKey)
	if !ok {
		return in.Next.ExecuteWorkflow(ctx, input)
	}
	m := workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"type": typ})
	m.Counter(activities.MetricIncidentsStarted).Inc(1)
	res, err := in.Next.ExecuteWorkflow(ctx, input)
	if err != nil {
		m.Counter(activities.MetricIncidentsFailed).Inc(1)
	} else {
		m.Counter(activities.MetricIncidentsCompleted).Inc(1)
	}
	return res, err
}

// workflowEmployee is the employee id of the incident ctx runs in, "" when none is known.
func workflowEmployee(ctx workflow.Context) string {
	if id, ok := workflow.GetTypedSearchAttributes(ctx).GetKeyword(EmployeeIDKey); ok && id != "" {
		return id
	}
	id, _ := EmployeeIDOf(workflow.GetInfo(ctx).WorkflowExecution.ID)
	return id
}

type observeWorkflowOut struct {
	interceptor.WorkflowOutboundInterceptorBase
}

func (out *observeWorkflowOut) GetLogger(ctx workflow.Context) log.Logger {
	logger := out.Next.GetLogger(ctx)
	if id := workflowEmployee(ctx); id != "" {
		return log.With(logger, "employee_id", id)
	}
	return logger
}

func (out *observeWorkflowOut) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	passEmployee(ctx)
	return out.Next.ExecuteActivity(ctx, activityType, args...)
}

func (out *observeWorkflowOut) ExecuteLocalActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	passEmployee(ctx)
	return out.Next.ExecuteLocalActivity(ctx, activityType, args...)
}

// passEmployee puts the incident's employee id in the header of the activity being started.
func passEmployee(ctx workflow.Context) {
	header := interceptor.WorkflowHeader(ctx)
	id := workflowEmployee(ctx)
	if header == nil || id == "" {
		return
	}
	if p, err := converter.GetDefaultDataConverter().ToPayload(id); err == nil {
		header[employeeHeader] = p
	}
}

type observeActivity struct {
	interceptor.ActivityInboundInterceptorBase
}

type employeeKey struct{}

func (in *observeActivity) Init(outbound interceptor.ActivityOutboundInterceptor) error {
	out := &observeActivityOut{}
	out.Next = outbound
	return in.Next.Init(out)
}

func (in *observeActivity) ExecuteActivity(ctx context.Context, input *interceptor.ExecuteActivityInput) (any, error) {
	var id string
	if p := interceptor.Header(ctx)[employeeHeader]; p != nil && converter.GetDefaultDataConverter().FromPayload(p, &id) == nil && id != "" {
		ctx = context.WithValue(ctx, employeeKey{}, id)
	}
	return in.Next.ExecuteActivity(ctx, input)
}

type observeActivityOut struct {
	interceptor.ActivityOutboundInterceptorBase
}

func (out *observeActivityOut) GetLogger(ctx context.Context) log.Logger {
	logger := out.Next.GetLogger(ctx)
	if id, ok := ctx.Value(employeeKey{}).(string); ok {
		return log.With(logger, "employee_id", id)
	}
	return logger
}
