package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/lifecycle"
)

// PollWorkday reads the instance's report, detects events against the stored profiles and
// starts one incident workflow per event. On the first poll of an instance with
// sync_on_first_run it only creates profiles, and refuses (non-retryable, nothing saved) an
// empty or mostly invalid report. A tripped mass-change guard starts nothing and fails the
// activity with a non-retryable MassChangeGuard error carrying the report, unless the request
// accepts the plan's digest (see admit).
//
// A start that fails (other than "already running") is reported and logged, and the other
// events still start; the poll then fails, not retried, with the report (see
// ErrTypeStartFailed).
//
// Retrying is safe: a started incident is either still running (its start is refused) or has
// changed the profile (so it is not detected again).
func (a *Activities) PollWorkday(ctx context.Context, req PollRequest) (PollReport, error) {
	report, err := a.pollWorkday(ctx, req)
	recordPoll(ctx, req.Instance, err)
	return report, err
}

func (a *Activities) pollWorkday(ctx context.Context, req PollRequest) (PollReport, error) {
	now := req.Now
	if now.IsZero() {
		now = a.now()
	}
	opts := hrsync.Options{Report: req.Report, Now: now}
	report := PollReport{Instance: req.Instance}
	if err := hrsync.CheckReport(req.Report); err != nil {
		return report, configError(fmt.Errorf("poll %s: %w", req.Instance, err))
	}
	release, err := a.leasePoll(ctx, req.Instance)
	if err != nil {
		return report, err
	}
	defer release()
	// Until the report is read and planned, heartbeat on a clock; the start loop heartbeats
	// per incident.
	beat := startHeartbeat(ctx)
	defer beat.stop()
	opts.Progress = beat.progress

	first, err := a.Planner.NeedsInitialSync(ctx, req.Instance)
	if err != nil {
		return report, err
	}
	if first {
		sum, err := a.Planner.InitialSync(ctx, req.Instance, opts)
		if errors.Is(err, hrsync.ErrInitialSyncRefused) {
			// Retrying reads the same report: only a fixed report, or ilm sync --initial
			// --force, gets past it.
			return report, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInitialSyncRefused, nil)
		}
		if err != nil {
			return report, err
		}
		report.InitialSync, report.Rows, report.ProfilesSynced = true, sum.Rows, sum.Created
		report.RowErrors = rowErrorStrings(sum.Skipped)
		return report, nil
	}

	if opts.InFlight, err = a.Starter.Running(ctx); err != nil {
		return report, fmt.Errorf("list incidents in flight: %w", err)
	}
	plan, err := a.Planner.Plan(ctx, req.Instance, opts)
	beat.stop()
	if err != nil {
		return report, err
	}
	report.Rows, report.Events = plan.Rows, len(plan.Result.Events)
	report.RowErrors = rowErrorStrings(plan.Result.Errors)
	if err := admit(ctx, req, plan.Result, &report); err != nil {
		return report, err
	}
	starts := a.startIncidents(ctx, req.Instance, plan.Result.Events)
	for i, ev := range plan.Result.Events {
		id, started, err := starts[i].id, starts[i].started, starts[i].err
		if err != nil {
			// One event the cluster refuses (a payload over its limit, say) must not keep
			// everyone after it in the report from starting, poll after poll.
			failed(ctx, &report, ev, err)
			continue
		}
		if !started {
			report.AlreadyRunning++
			continue
		}
		report.Started++
		if len(report.Incidents) < MaxListedIncidents {
			report.Incidents = append(report.Incidents, StartedIncident{Type: ev.Type, EmployeeID: ev.EmployeeID, WorkflowID: id})
		} else {
			report.More++
		}
	}
	if report.Failed > 0 {
		// Not retried: a retry would re-plan the same report, find everyone else running
		// and fail the same starts again. The next scheduled poll tries them anew.
		msg := fmt.Sprintf("%d of %d incidents failed to start", report.Failed, report.Events)
		return report, temporal.NewNonRetryableApplicationError(msg, ErrTypeStartFailed, nil, report)
	}
	return report, nil
}

// startOutcome is what starting one event's incident came to.
type startOutcome struct {
	id      string
	started bool
	err     error
}

// startIncidents starts the events' incidents, startConcurrency at a time (as App Sync's
// starts: one after the other, a thousand new hires would wait on a thousand round trips to
// the cluster before the last incident begins), heartbeating the count started so far, and
// returns each one's outcome in the events' order. A person has one event at most, so the
// order of the starts does not matter.
func (a *Activities) startIncidents(ctx context.Context, instance string, events []lifecycle.Event) []startOutcome {
	out := make([]startOutcome, len(events))
	next, done := make(chan int), make(chan struct{})
	var wg sync.WaitGroup
	for range min(startConcurrency, len(events)) {
		wg.Go(func() {
			for i := range next {
				o := &out[i]
				o.id, o.started, o.err = a.Starter.Start(ctx, NewIncident(a.Config, instance, events[i]))
				done <- struct{}{}
			}
		})
	}
	go func() {
		for i := range events {
			next <- i
		}
		close(next)
		wg.Wait()
		close(done)
	}()
	n := 0
	for range done {
		n++
		activity.RecordHeartbeat(ctx, n)
	}
	return out
}

// failed records a start that failed in the report and the log.
func failed(ctx context.Context, report *PollReport, ev lifecycle.Event, err error) {
	activity.GetLogger(ctx).Error("incident not started", "type", ev.Type, "employee_id", ev.EmployeeID, "error", err)
	report.Failed++
	if len(report.FailedStarts) < MaxListedFailures {
		report.FailedStarts = append(report.FailedStarts, FailedStart{Type: ev.Type, EmployeeID: ev.EmployeeID, Error: err.Error()})
	}
}

// admit decides whether a plan may start, and fills in the report's guard fields. An
// accepted digest runs exactly the plan it names, past the guard, and refuses any other: the
// operator accepted those events, not whatever the report says now. Both refusals are
// non-retryable and carry the report, whose counts and digest the operator needs.
func admit(ctx context.Context, req PollRequest, res lifecycle.Result, report *PollReport) error {
	log := activity.GetLogger(ctx)
	g := res.Guard
	report.GuardCounts, report.PlanDigest = g.Counts, res.Digest
	report.GuardTripped, report.GuardReason = g.Tripped, g.Reason
	switch {
	case req.AcceptPlan != "" && req.AcceptPlan != res.Digest:
		msg := fmt.Sprintf("the plan changed since it was accepted: digest now %s (accepted %s)", res.Digest, req.AcceptPlan)
		log.Error(msg+": no incident started", "instance", req.Instance)
		return temporal.NewNonRetryableApplicationError(msg, ErrTypePlanChanged, nil, *report)
	case req.AcceptPlan != "":
		report.PlanAccepted = true
		log.Warn("running an accepted plan", "instance", req.Instance, "digest", res.Digest, "guard", g.Reason)
	case g.Tripped:
		recordGuardTrip(ctx, req.Instance)
		log.Error("mass-change guard tripped: no incident started", "instance", req.Instance, "reason", g.Reason)
		return temporal.NewNonRetryableApplicationError(g.Reason, ErrTypeGuard, nil, *report)
	case g.Disabled:
		log.Warn("mass-change guard disabled: the plan runs unchecked", "instance", req.Instance, "counts", g.Counts.String())
	}
	return nil
}

func rowErrorStrings(errs []lifecycle.RowError) []string {
	var out []string
	for i, e := range errs {
		if i == MaxListedIncidents {
			out = append(out, fmt.Sprintf("… and %d more", len(errs)-i))
			break
		}
		out = append(out, e.Error())
	}
	return out
}
