package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
)

// WorkdayPoll is started by the Schedule poll-<instance> (and by `ilm poll`). Its one activity
// reads the report, diffs it against the profiles and starts the incidents, so that the report
// never enters workflow history: the result holds counts and ids only. A tripped mass-change
// guard fails the run, which the Web UI and the schedule's recent actions show in red.
func WorkdayPoll(ctx workflow.Context, in activities.PollRequest) (activities.PollReport, error) {
	var out activities.PollReport
	ctx = workflow.WithActivityOptions(ctx, withSummary(reportRead(in), "poll "+in.Instance))
	err := workflow.ExecuteActivity(ctx, a.PollWorkday, in).Get(ctx, &out)
	return out, err
}
