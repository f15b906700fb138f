package store

import "time"

// BreakerPolicy says when a target's circuit breaker pauses the target: when, of at least
// MinCalls calls in the last Window, more than FailureRatio failed. A paused target lets one
// call through, the probe, every ProbeEvery. The window counts whole minutes: the current
// one and those before it, Window rounded up to minutes in all.
type BreakerPolicy struct {
	MinCalls     int
	FailureRatio float64
	Window       time.Duration
	ProbeEvery   time.Duration
}

// Trips says whether failures of calls pass the policy.
func (p BreakerPolicy) Trips(calls, failures int) bool {
	return calls >= p.MinCalls && float64(failures) > p.FailureRatio*float64(calls)
}

// CallOutcome is what the breaker counts of one target call.
type CallOutcome struct {
	Instance  string
	Operation string
	// Failed says the call found the target unwell (unavailable, rate limited, timed out).
	// A final error about one person (invalid, not found, …) reached a working target and
	// is not a failure.
	Failed bool
	// Error is the failure's message.
	Error string
	// Probe says the call was the one a paused breaker let through.
	Probe bool
	At    time.Time // now when zero
}

// Admission is whether a call to a target may go.
type Admission struct {
	OK bool
	// Probe says the call is the one a paused target lets through: its outcome closes the
	// breaker or keeps it paused.
	Probe bool
	// NextProbeAt, when the call may not go, is when the next probe is due.
	NextProbeAt time.Time
}

// BreakerState is where a target's breaker stands.
type BreakerState struct {
	Instance    string
	Paused      bool
	PausedAt    time.Time // zero while closed
	NextProbeAt time.Time // zero while closed
	// Calls and Failures are counted in the window asked for.
	Calls, Failures int
	// LastOperation and LastError are those of the last failure recorded, kept after the
	// breaker closes.
	LastOperation, LastError string
}
