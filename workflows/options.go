package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
)

// a refers to the activities by method value; it is never dereferenced.
var a *activities.Activities

// Activity option presets.
var (
	// connectorCall bounds a target call: retried with backoff for up to 10 minutes, then the
	// incident goes to human review. Final errors are not retried (activities/errors.go). One
	// call takes seconds; a call lost with its worker is retried after 30 s.
	connectorCall = workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 10 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
		},
	}
	// activationCall bounds an AD activation: one attempt sets a password over LDAPS, mails it
	// (an SMTP session of up to smtp.timeout) and enables the account, so it gets longer than
	// one target call. An attempt that times out after its mail left is retried with a new
	// password and a second mail, the one that works: the longer attempt keeps that rare.
	activationCall = func() workflow.ActivityOptions {
		o := connectorCall
		o.StartToCloseTimeout = 3 * time.Minute
		o.ScheduleToCloseTimeout = 20 * time.Minute
		return o
	}()
	// nameReservation bounds the choice of a unique account name: one attempt may look up a
	// few dozen candidates in every target, so it gets longer than one call; retried as a
	// target call is, then the incident goes to review.
	nameReservation = func() workflow.ActivityOptions {
		o := connectorCall
		o.StartToCloseTimeout = 5 * time.Minute
		o.ScheduleToCloseTimeout = 15 * time.Minute
		return o
	}()
	// storeWrite keeps trying a store write for an hour: the targets already changed, so the
	// profile must follow.
	storeWrite = workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 30 * time.Second},
	}
	// notification sends a mail for a few minutes, then gives up: it must not hold up a review.
	notification = workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 5 * time.Second, MaximumAttempts: 5,
			NonRetryableErrorTypes: []string{activities.ErrTypeConfig, activities.ErrTypeInvalid},
		},
	}
	// logRead reads a System Log backlog; it heartbeats each page, so a lost worker's attempt
	// is retried from the last page it finished.
	logRead = longRead(activities.ErrTypeConfig, activities.ErrTypePollRunning)
)

// planAndStart is what a poll may take beyond reading its report: diffing it against the
// profiles and starting the incidents.
const planAndStart = 25 * time.Minute

// reportRead is the preset of a poll that reads and diffs a whole HR report: it may run for
// the instance's report timeout plus planAndStart (half an hour with the default 5-minute
// timeout), and heartbeats while it reads and while it starts incidents. Its refusals (the
// guard, a changed accepted plan, an unsafe initial sync, a bad request, another poll of the
// instance running) stand until a person acts, so they are not retried.
func reportRead(in activities.PollRequest) workflow.ActivityOptions {
	o := longRead(activities.ErrTypeGuard, activities.ErrTypePlanChanged,
		activities.ErrTypeInitialSyncRefused, activities.ErrTypeConfig, activities.ErrTypePollRunning)
	o.StartToCloseTimeout = in.ReadTimeout() + planAndStart
	return o
}

// longRead is the preset of a poll's one long activity: up to half an hour, heartbeating,
// three attempts, never retrying the given error types.
func longRead(nonRetryable ...string) workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 5 * time.Second, MaximumAttempts: 3, NonRetryableErrorTypes: nonRetryable,
		},
	}
}

// Local activity option presets: short steps the worker runs inside a workflow task.
var (
	// quickRead reads Okta and the store to resolve an App event; retried for ten minutes.
	quickRead = workflow.LocalActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 10 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
		},
	}
	// quickWrite records one small profile change; retried for an hour, as storeWrite.
	quickWrite = workflow.LocalActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 30 * time.Second},
	}
)

// localCall is a target call's preset as a local activity: the same attempt timeout, the same
// retries for as long.
func localCall(o workflow.ActivityOptions) workflow.LocalActivityOptions {
	return workflow.LocalActivityOptions{StartToCloseTimeout: o.StartToCloseTimeout,
		ScheduleToCloseTimeout: o.ScheduleToCloseTimeout, RetryPolicy: o.RetryPolicy, Summary: o.Summary}
}
