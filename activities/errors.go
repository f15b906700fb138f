package activities

import (
	"errors"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/connectors"
)

// Application error types the workflows match on.
const (
	ErrTypeInvalid       = "InvalidRequest"
	ErrTypeAlreadyExists = "AlreadyExists"
	ErrTypeNotFound      = "NotFound"
	ErrTypeNotOwned      = "AccountNotOwned"
	ErrTypeUnavailable   = "Unavailable"
	ErrTypeRateLimited   = "RateLimited"
	ErrTypeConfig        = "ConfigError"
	ErrTypeGuard         = "MassChangeGuard"
	// ErrTypePlanChanged refuses a poll whose plan is not the one the operator accepted.
	ErrTypePlanChanged = "PlanChanged"
	// ErrTypeInitialSyncRefused refuses an initial sync of an empty or mostly invalid report.
	ErrTypeInitialSyncRefused = "InitialSyncRefused"
	// ErrTypeStartFailed fails a poll in which some incident could not be started, after
	// all the others were.
	ErrTypeStartFailed = "IncidentStartFailed"
)

// classify turns a connector error into a Temporal application error. Whether it is
// retried is connectors.Retryable's decision, the one rule every connector's error classes
// are written and tested against; the type names the class for the workflows and the
// reviewer, and a rate limit carries the target's retry delay. The message is the
// connector's; connectors keep their own secrets out of it, and what an app echoes back is
// blanked at the activity boundary (redact.go) before it enters workflow history.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var classified *temporal.ApplicationError
	if errors.As(err, &classified) {
		// Already classified (a configError): keep its type and retry policy.
		msg := strings.Replace(err.Error(), classified.Error(), classified.Message(), 1)
		return temporal.NewApplicationErrorWithOptions(msg, classified.Type(),
			temporal.ApplicationErrorOptions{NonRetryable: classified.NonRetryable(), Cause: errors.Unwrap(classified)})
	}
	code := ""
	var coded *connectors.CodedError
	if errors.As(err, &coded) {
		code = coded.Code
	}
	opts := temporal.ApplicationErrorOptions{NonRetryable: !connectors.Retryable(err), Details: []any{code}}
	var limited *connectors.RateLimitedError
	if errors.As(err, &limited) {
		opts.NextRetryDelay = limited.RetryAfter
	}
	return temporal.NewApplicationErrorWithOptions(err.Error(), errorClass(err, limited != nil), opts)
}

// errorClass names the class of a connector error.
func errorClass(err error, rateLimited bool) string {
	switch {
	case rateLimited:
		return ErrTypeRateLimited
	case errors.Is(err, connectors.ErrUnavailable):
		return ErrTypeUnavailable
	case errors.Is(err, connectors.ErrInvalid):
		return ErrTypeInvalid
	case errors.Is(err, connectors.ErrAlreadyExists):
		return ErrTypeAlreadyExists
	case errors.Is(err, connectors.ErrNotOwned):
		return ErrTypeNotOwned
	case errors.Is(err, connectors.ErrNotFound):
		return ErrTypeNotFound
	default:
		return ErrTypeUnavailable
	}
}

// configError is a non-retryable error for a configuration mistake found at run time.
func configError(err error) error {
	return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeConfig, nil)
}

// invalid is a non-retryable error for input that cannot be acted on.
func invalid(err error) error {
	return classify(&connectors.CodedError{Class: connectors.ErrInvalid, Message: err.Error()})
}
