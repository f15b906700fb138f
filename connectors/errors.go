package connectors

import (
	"errors"
	"fmt"
	"time"
)

// Error classes every connector maps its failures to. Match with errors.Is.
var (
	// ErrNotFound: the account or object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a create met an existing object that could not be converged.
	ErrAlreadyExists = errors.New("already exists")
	// ErrInvalid: the request is wrong (validation, policy, permission); retrying cannot help.
	ErrInvalid = errors.New("invalid request")
	// ErrUnavailable: the system could not be reached or is busy; retrying may help.
	ErrUnavailable = errors.New("unavailable")
)

// RateLimitedError says the target asked us to slow down until RetryAfter has passed.
type RateLimitedError struct {
	RetryAfter time.Duration
	Message    string
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %s", e.RetryAfter, e.Message)
}

// Unwrap makes a rate limit an ErrUnavailable, so it is retried.
func (e *RateLimitedError) Unwrap() error { return ErrUnavailable }

// CodedError carries the target's own error code (e.g. Okta's E0000001) next to its class.
type CodedError struct {
	Class   error
	Code    string
	Message string
}

func (e *CodedError) Error() string {
	if e.Code == "" {
		return e.Message
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the class, so errors.Is(err, ErrInvalid) works.
func (e *CodedError) Unwrap() error { return e.Class }

// Invalid returns an ErrInvalid with a formatted message.
func Invalid(format string, args ...any) error {
	return &CodedError{Class: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

// Retryable says whether an error may go away by trying again: unavailability, rate limits
// and unclassified failures (timeouts, dropped connections) may; invalid requests, conflicts
// missing objects and accounts not bound to the person will not. It is the retry decision
// the activities make for every connector error, so each connector's tests assert it.
func Retryable(err error) bool {
	if errors.Is(err, ErrUnavailable) {
		return true
	}
	return !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrAlreadyExists) && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrNotOwned)
}
