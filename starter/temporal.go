package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/workflows"
)

func runPoll(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("poll", stdout, stderr)
	instance := fs.String("instance", "", "workday or okta instance name")
	report := fs.String("report", "", "workday: report file on the worker, instead of the instance's report_url (not a URL)")
	nowFlag := fs.String("now", "", "workday: evaluate dates as of this RFC 3339 time (default: the worker's now)")
	accept := fs.String("accept-plan", "", "workday: run exactly the plan of this digest (ilm plan prints it) past the mass-change guard; any other plan starts nothing")
	verbose := fs.Bool("v", false, "list every incident started (at most "+strconv.Itoa(activities.MaxListedIncidents)+"), not only the counts per type")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := required("instance", *instance); err != nil {
		return err
	}
	if err := reportFlag(*report); err != nil {
		return err
	}
	if *accept != "" && !planDigest.MatchString(*accept) {
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("--accept-plan: %q is not a plan digest (64 hex digits, as ilm plan prints it)", *accept)}
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	job, err := newPollJob(env.Config, *instance)
	if err != nil {
		return err
	}
	if req, ok := job.input.(activities.PollRequest); ok {
		req.Report, req.AcceptPlan = *report, *accept
		if *nowFlag != "" {
			if req.Now, err = parseNow(*nowFlag); err != nil {
				return err
			}
		}
		job.input = req
	} else if *report != "" || *nowFlag != "" || *accept != "" {
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("--report, --now and --accept-plan are for workday instances; %q is not one", *instance)}
	}
	tc, err := env.Dial(slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.ManualPollWorkflowID(*instance),
		TaskQueue:                env.Config.Temporal.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    temporal.NewSearchAttributes(workflows.InstanceKey.ValueSet(*instance)),
		StaticSummary:            "manual poll of " + *instance,
	}, job.workflow, job.input)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "poll %s running as %s (run %s); waiting…\n", *instance, run.GetID(), run.GetRunID())
	if _, ok := job.input.(activities.OktaPollRequest); ok {
		var rep activities.OktaPollReport
		if err := run.Get(ctx, &rep); err != nil {
			return err
		}
		printOktaPollReport(stdout, rep, *verbose)
		return nil
	}
	var rep activities.PollReport
	err = run.Get(ctx, &rep)
	return finishWorkdayPoll(stdout, stderr, rep, err, *verbose, func(digest string) string {
		return acceptHint(*instance, *report, *nowFlag, digest)
	})
}

// finishWorkdayPoll prints what a workday poll did. A poll the guard stopped, or whose
// accepted plan changed, exits 3 with the report its failure carries, the counts per type and
// the digest; hint says how to accept the plan of a digest. verbose lists every incident.
func finishWorkdayPoll(stdout, stderr io.Writer, rep activities.PollReport, err error, verbose bool, hint func(digest string) string) error {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && (appErr.Type() == activities.ErrTypeGuard || appErr.Type() == activities.ErrTypePlanChanged) {
		if derr := appErr.Details(&rep); derr == nil {
			printPollReport(stdout, stderr, rep, verbose)
			next := "the plan changed: review it with ilm plan before accepting it"
			if appErr.Type() == activities.ErrTypeGuard {
				next = hint(rep.PlanDigest)
			}
			printGuard(stderr, rep.Instance, rep.GuardCounts, rep.PlanDigest, next)
		}
		return &exitCodeError{code: exitGuard, err: fmt.Errorf("%s: no incident started", appErr.Message())}
	}
	if errors.As(err, &appErr) && appErr.Type() == activities.ErrTypeStartFailed && appErr.Details(&rep) == nil {
		printPollReport(stdout, stderr, rep, verbose)
	}
	if err != nil {
		return err
	}
	printPollReport(stdout, stderr, rep, verbose)
	return nil
}

// pollJob is what polls one source instance: its workflow, input and interval.
type pollJob struct {
	workflow any
	name     string
	input    any
	every    time.Duration
}

// newPollJob returns the poll of a workday or okta instance.
func newPollJob(cfg *config.Config, instance string) (pollJob, error) {
	in, ok := cfg.Instance(instance)
	switch {
	case ok && in.Workday != nil:
		req := activities.PollRequest{Instance: instance, ReportTimeout: in.Workday.Timeout.Duration}
		return pollJob{workflows.WorkdayPoll, "WorkdayPoll", req, in.Workday.PollInterval.Duration}, nil
	case ok && in.Okta != nil:
		return pollJob{workflows.OktaLogPoll, "OktaLogPoll", activities.OktaPollRequest{Instance: instance}, in.Okta.PollInterval.Duration}, nil
	case ok:
		return pollJob{}, fmt.Errorf("instance %q is of type %s: only workday and okta instances are polled", instance, in.Type)
	}
	_, err := cfg.WorkdayInstance(instance)
	return pollJob{}, err
}

func runSchedules(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("schedules", stdout, stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "apply" {
		return &exitCodeError{code: exitUsage, err: errors.New("want: ilm schedules apply --config F")}
	}
	ctx := context.Background()
	env, tc, closeAll, err := c.openTemporal(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	if err := wiring.EnsureSearchAttributes(ctx, tc, env.Config.Temporal.Namespace); err != nil {
		return err
	}
	for _, name := range append(env.Config.WorkdayInstances(), env.Config.OktaInstances()...) {
		job, err := newPollJob(env.Config, name)
		if err != nil {
			return err
		}
		verb, err := applySchedule(ctx, tc, env.Config.Temporal.TaskQueue, name, job)
		if err != nil {
			return fmt.Errorf("schedule %s: %w", workflows.ScheduleID(name), err)
		}
		fmt.Fprintf(stdout, "%s schedule %s: %s every %s\n", verb, workflows.ScheduleID(name), job.name, job.every)
	}
	return nil
}

// applySchedule creates the instance's poll schedule, or updates it to the config.
func applySchedule(ctx context.Context, tc client.Client, taskQueue, instance string, job pollJob) (string, error) {
	id := workflows.ScheduleID(instance)
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: job.every}}}
	action := &client.ScheduleWorkflowAction{
		ID:                    id,
		Workflow:              job.workflow,
		Args:                  []any{job.input},
		TaskQueue:             taskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.InstanceKey.ValueSet(instance)),
	}
	_, err := tc.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: id, Spec: spec, Action: action, Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		Note: "ILM poll of instance " + instance,
	})
	if err == nil {
		return "created", nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return "", err
	}
	err = tc.ScheduleClient().GetHandle(ctx, id).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec, s.Action = &spec, action
			s.Policy.Overlap = enums.SCHEDULE_OVERLAP_POLICY_SKIP
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	return "updated", err
}
