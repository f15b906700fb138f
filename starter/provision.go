package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/workflows"
)

// maxProvisionSteps bounds the incidents one provision runs: a new hire whose hire date is
// within the activation window takes two (New Hire, then AD Activation).
const maxProvisionSteps = 3

// runProvision provisions one person now, without waiting for the next poll (the new hire
// who starts tomorrow): it reads the instance's report, plans that person as a poll would,
// starts the incident and waits for it, then plans again, until the rules raise nothing
// more for them. Each incident's result is printed as one JSON line.
func runProvision(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("provision", stdout, stderr)
	instance := fs.String("instance", "", "workday instance name")
	nowFlag := fs.String("now", "", "evaluate dates as of this RFC 3339 time (default: now)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := required("instance", *instance); err != nil {
		return err
	}
	if len(pos) != 1 {
		return &exitCodeError{code: exitUsage, err: errors.New("want: ilm provision --instance NAME EMPLOYEE_ID")}
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	ctx := context.Background()
	env, tc, closeAll, err := c.openTemporal(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	start := time.Now()
	n, err := provision(ctx, env, tc, *instance, pos[0], now, json.NewEncoder(stdout))
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(stderr, "no changes for employee %s\n", pos[0])
		return nil
	}
	fmt.Fprintf(stderr, "employee %s: %d incidents in %s\n", pos[0], n, time.Since(start).Round(time.Millisecond))
	return nil
}

// provision runs the person's incidents one after the other, printing each result, and
// returns how many ran.
func provision(ctx context.Context, env *wiring.Env, tc client.Client, instance, employeeID string, now time.Time, out *json.Encoder) (int, error) {
	planner := env.Planner()
	first, err := planner.NeedsInitialSync(ctx, instance)
	if err != nil {
		return 0, err
	}
	if first {
		return 0, fmt.Errorf("instance %s has not had its initial sync: run ilm sync --initial first", instance)
	}
	starter, err := env.IncidentStarter(tc)
	if err != nil {
		return 0, err
	}
	for n := 0; n < maxProvisionSteps; n++ {
		ev, found, err := plannedEvent(ctx, planner, starter, instance, employeeID, now, n > 0)
		if err != nil || !found {
			return n, err
		}
		id, started, err := starter.Start(ctx, activities.NewIncident(env.Config, instance, ev))
		if err != nil {
			return n, fmt.Errorf("start %s for employee %s: %w", ev.Type, employeeID, err)
		}
		if !started {
			return n, fmt.Errorf("an incident of employee %s is running (%s): wait for it, then provision again", employeeID, id)
		}
		if ev.Type == lifecycle.SyncUser {
			// A review waits for a human: say where, and do not wait.
			return n + 1, out.Encode(activities.StartedIncident{Type: ev.Type, EmployeeID: employeeID, WorkflowID: id})
		}
		var res workflows.IncidentResult
		err = tc.GetWorkflow(ctx, id, "").Get(ctx, &res)
		if encErr := out.Encode(res); encErr != nil {
			return n + 1, encErr
		}
		if err != nil {
			return n + 1, fmt.Errorf("%s of employee %s (%s): %w", ev.Type, employeeID, id, err)
		}
		if res.Skipped != "" {
			return n + 1, nil
		}
	}
	return maxProvisionSteps, nil
}

// plannedEvent plans the instance's report and returns the event it raises for the person.
// waited says the person's last incident was started here and has closed: the list of
// incidents in flight, read from the cluster's visibility store, may not show that yet.
func plannedEvent(ctx context.Context, planner *hrsync.Planner, starter workflows.IncidentStarter, instance, employeeID string, now time.Time, waited bool) (lifecycle.Event, bool, error) {
	running, err := starter.Running(ctx)
	if err != nil {
		return lifecycle.Event{}, false, fmt.Errorf("list incidents in flight: %w", err)
	}
	if waited {
		delete(running, employeeID)
	}
	if running[employeeID] {
		return lifecycle.Event{}, false, fmt.Errorf("an incident of employee %s is running (%s): wait for it, then provision again",
			employeeID, workflows.PersonWorkflowID(employeeID))
	}
	plan, err := planner.Plan(ctx, instance, hrsync.Options{Now: now, InFlight: running})
	if err != nil {
		return lifecycle.Event{}, false, err
	}
	for _, ev := range plan.Result.Events {
		if ev.EmployeeID == employeeID {
			return ev, true, nil
		}
	}
	for _, rowErr := range plan.Result.Errors {
		if rowErr.EmployeeID == employeeID {
			return lifecycle.Event{}, false, fmt.Errorf("the report's row for employee %s is unusable: %s", employeeID, rowErr.Error())
		}
	}
	return lifecycle.Event{}, false, nil
}
