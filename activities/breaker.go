package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/store"
)

// ErrTypeTargetPaused refuses a call to a target whose circuit breaker paused it. It is not
// retried by the activity: the workflow waits (PausedWait) and calls again, without a review.
const ErrTypeTargetPaused = "TargetPaused"

// PausedWait is how long an incident waits before calling a paused target again: until its
// next probe is due, as the TargetPaused error's details say, within [MinPausedWait,
// MaxPausedWait].
func PausedWait(err error) time.Duration {
	wait := MaxPausedWait
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.HasDetails() {
		var d time.Duration
		if app.Details(&d) == nil {
			wait = d
		}
	}
	return min(max(wait, MinPausedWait), MaxPausedWait)
}

// Bounds of PausedWait.
const (
	MinPausedWait = 5 * time.Second
	MaxPausedWait = 10 * time.Minute
)

// IsTargetPaused says whether err refused a call because its target is paused.
func IsTargetPaused(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.Type() == ErrTypeTargetPaused
}

// hasBreakers says whether the activities keep circuit breakers: they need the config and
// the store, which a worker always has and some tests of target calls leave out.
func (a *Activities) hasBreakers() bool { return a.Config != nil && a.Store != nil }

// breakerPolicy is the store's form of the instance's configured breaker.
func (a *Activities) breakerPolicy(instance string) (store.BreakerPolicy, config.Breaker) {
	b := a.Config.TargetBreaker(instance)
	return store.BreakerPolicy{MinCalls: b.MinCalls, FailureRatio: b.FailureRatio, Window: b.Window.Duration,
		ProbeEvery: b.ProbeEvery.Duration}, b
}

// admit asks the store whether a call to the instance may go. A paused target's call comes
// back as a TargetPaused error carrying the wait until its next probe. A store that cannot
// answer lets the call go: the breaker spares a target, it does not gate provisioning.
func (a *Activities) admit(ctx context.Context, instance string) (store.Admission, error) {
	if !a.hasBreakers() {
		return store.Admission{OK: true}, nil
	}
	p, _ := a.breakerPolicy(instance)
	now := a.now()
	adm, err := a.Store.AdmitCall(ctx, instance, now, p.ProbeEvery)
	if err != nil {
		activity.GetLogger(ctx).Warn("circuit breaker not consulted; the call goes", "instance", instance, "error", err)
		return store.Admission{OK: true}, nil
	}
	if adm.OK {
		return adm, nil
	}
	return adm, temporal.NewApplicationErrorWithOptions(
		fmt.Sprintf("%s is paused: its calls kept failing; the call waits for the target to recover (ilm targets status)", instance),
		ErrTypeTargetPaused, temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{adm.NextProbeAt.Sub(now)}})
}

// unwell says whether a classified call error tells that the target is unwell (unavailable,
// rate limited, timed out, unclassified) rather than that one person's call cannot be done.
func unwell(classified error) bool {
	var app *temporal.ApplicationError
	if !errors.As(classified, &app) {
		return true
	}
	switch app.Type() {
	case ErrTypeUnavailable, ErrTypeRateLimited:
		return true
	}
	return false
}

// record counts the call's outcome for the instance's breaker and, for the one call that
// pauses the target, mails IT. A call cancelled by its workflow or worker counts for
// nothing; a deadline that ran out is a failure. It writes after the call's own context
// may have ended, within a few seconds of its own.
func (a *Activities) record(ctx context.Context, call TargetCall, probe bool, classified error) {
	if !a.hasBreakers() || errors.Is(ctx.Err(), context.Canceled) {
		return
	}
	c := store.CallOutcome{Instance: call.Instance, Operation: string(call.Operation), Probe: probe, At: a.now()}
	if classified != nil && unwell(classified) {
		c.Failed, c.Error = true, a.clean(ctx, errorMessage(classified))
	}
	p, b := a.breakerPolicy(call.Instance)
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	tripped, err := a.Store.RecordCall(wctx, c, p)
	if err != nil {
		activity.GetLogger(ctx).Warn("call outcome not recorded for the circuit breaker", "instance", call.Instance, "error", err)
		return
	}
	if tripped {
		a.alertPaused(wctx, c, b)
	}
}

// alertPaused mails provisioning.it_notification_email that the target was paused. It is
// sent once per pause, by the call that paused it; a mail that cannot be sent is logged.
func (a *Activities) alertPaused(ctx context.Context, c store.CallOutcome, b config.Breaker) {
	log := activity.GetLogger(ctx)
	log.Error("target paused: its calls keep failing", "instance", c.Instance, "operation", c.Operation, "error", c.Error)
	to := a.Config.Provisioning.ITNotificationEmail
	if a.Mail.Sender == nil || a.Mail.Templates == nil || to == "" {
		log.Warn("target pause not mailed: configure smtp and provisioning.it_notification_email", "instance", c.Instance)
		return
	}
	d := mail.TargetPaused{Instance: c.Instance, Action: c.Operation, Error: c.Error,
		Window: b.Window.String(), ProbeEvery: b.ProbeEvery.String()}
	if st, err := a.Store.GetBreaker(ctx, c.Instance, c.At, b.Window.Duration); err == nil {
		d.Calls, d.Failures = st.Calls, st.Failures
	}
	msg, err := a.Mail.Templates.RenderTargetPaused(d)
	if err == nil {
		msg.To = []string{to}
		err = a.Mail.Sender.Send(ctx, msg)
	}
	if err != nil {
		log.Error("target pause not mailed", "instance", c.Instance, "error", err)
	}
}

// errorMessage is the message of a classified error, without its type.
func errorMessage(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}

// clean blanks the secrets known to the call in s, which leaves the activity by another way
// than its error: the store and a mail.
func (a *Activities) clean(ctx context.Context, s string) string {
	if r := secretsOf(ctx); r != nil {
		return r.String(s)
	}
	return a.Redactor.String(s)
}
