package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// sampledHistories is how many incidents of a stage breakdown reads.
const sampledHistories = 50

// breakdown reads the histories of up to sampledHistories workflows of the query and prints
// where their time went, as medians: from start to the first workflow task, each activity's
// wait in its task queue (scheduled to started) and run (started to completed), and the
// whole workflow; plus the workflow tasks per workflow and the activity retries. It is the
// wall-clock profile of the stage, which a CPU profile of the worker does not show.
func (b *bench) breakdown(ctx context.Context, label, query string) (string, error) {
	resp, err := b.tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: b.env.Config.Temporal.Namespace,
		Query: query, PageSize: sampledHistories})
	if err != nil {
		return "", err
	}
	spans := map[string][]time.Duration{}
	var order []string
	add := func(name string, d time.Duration) {
		if _, ok := spans[name]; !ok {
			order = append(order, name)
		}
		spans[name] = append(spans[name], d)
	}
	var tasks, retries []int
	for _, ex := range resp.Executions {
		events, err := b.history(ctx, ex.Execution.WorkflowId, ex.Execution.RunId)
		if err != nil {
			return "", err
		}
		var start time.Time
		scheduled := map[int64]*history.HistoryEvent{}
		started := map[int64]*history.HistoryEvent{}
		wfTasks, retried, firstTask := 0, 0, false
		for _, ev := range events {
			at := ev.EventTime.AsTime()
			switch ev.EventType {
			case enums.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
				start = at
			case enums.EVENT_TYPE_WORKFLOW_TASK_STARTED:
				wfTasks++
				if !firstTask {
					firstTask = true
					add("start -> first workflow task", at.Sub(start))
				}
			case enums.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
				scheduled[ev.EventId] = ev
			case enums.EVENT_TYPE_ACTIVITY_TASK_STARTED:
				a := ev.GetActivityTaskStartedEventAttributes()
				started[ev.EventId] = ev
				retried += int(a.Attempt) - 1
				s := scheduled[a.ScheduledEventId]
				add(activityName(s)+" queued", at.Sub(s.EventTime.AsTime()))
			case enums.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
				a := ev.GetActivityTaskCompletedEventAttributes()
				add(activityName(scheduled[a.ScheduledEventId])+" ran", at.Sub(started[a.StartedEventId].EventTime.AsTime()))
			case enums.EVENT_TYPE_MARKER_RECORDED:
				add("local activities recorded", 0)
			case enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
				add("whole workflow", at.Sub(start))
			}
		}
		tasks = append(tasks, wfTasks)
		retries = append(retries, retried)
	}
	if len(resp.Executions) == 0 {
		return "", fmt.Errorf("no workflow matches %s", query)
	}
	var out strings.Builder
	fmt.Fprintf(&out, "  where the time of %s went (medians over %d incidents' histories):\n", label, len(resp.Executions))
	for _, name := range order {
		if name == "local activities recorded" {
			fmt.Fprintf(&out, "    %-40s %d per workflow\n", "local activity markers", len(spans[name])/len(resp.Executions))
			continue
		}
		fmt.Fprintf(&out, "    %-40s %7.0f ms (max %.0f ms)\n", name, ms(median(spans[name])), ms(slices.Max(spans[name])))
	}
	fmt.Fprintf(&out, "    %-40s %d\n", "workflow tasks per workflow", medianInt(tasks))
	fmt.Fprintf(&out, "    %-40s %d of %d incidents, %d in all\n", "activity retries", countPositive(retries), len(retries), sum(retries))
	return out.String(), nil
}

func (b *bench) history(ctx context.Context, id, run string) ([]*history.HistoryEvent, error) {
	iter := b.tc.GetWorkflowHistory(ctx, id, run, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*history.HistoryEvent
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

func activityName(scheduled *history.HistoryEvent) string {
	if scheduled == nil {
		return "activity"
	}
	return strings.TrimSpace(scheduled.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func medianInt(xs []int) int {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func countPositive(xs []int) int {
	n := 0
	for _, x := range xs {
		if x > 0 {
			n++
		}
	}
	return n
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
