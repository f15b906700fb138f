package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// ErrTypePollRunning fails a poll that found another poll of its instance running.
const ErrTypePollRunning = "PollRunning"

// pollLeaseMargin outlives the attempt's own deadline, so a lease never lapses under a
// poll that is still allowed to run.
const pollLeaseMargin = time.Minute

// leasePoll makes the poll the only one of its instance, for as long as this attempt may
// run: a manual poll (`ilm poll`) and the scheduled one would otherwise read the same report
// and start the same changes twice. A retried attempt of the same run takes its own lease
// again; a lease whose holder died expires. release gives it up.
func (a *Activities) leasePoll(ctx context.Context, instance string) (release func(), err error) {
	info := activity.GetInfo(ctx)
	holder := info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID
	now := a.now()
	until := info.Deadline.Add(pollLeaseMargin)
	if info.Deadline.IsZero() {
		until = now.Add(time.Hour)
	}
	ok, heldBy, err := a.Store.LeasePoll(ctx, instance, holder, now, until)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("another poll of %s is running (%s): this one starts nothing", instance, heldBy), ErrTypePollRunning, nil)
	}
	return func() {
		if err := a.Store.ReleasePoll(context.WithoutCancel(ctx), instance, holder); err != nil {
			activity.GetLogger(ctx).Warn("poll lease not released; it expires by itself", "instance", instance, "error", err)
		}
	}, nil
}
