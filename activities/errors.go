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
)

// classify turns a connector error into a Temporal application error: final classes become
// non-retryable with a stable type, rate limits carry the target's retry delay, and anything
// else stays retryable. The message is the connector's (connectors never put secrets in
// errors), so it is safe for workflow history.
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
	var limited *connectors.RateLimitedError
	var coded *connectors.CodedError
	code := ""
	if errors.As(err, &coded) {
		code = coded.Code
	}
	switch {
	case errors.As(err, &limited):
		return temporal.NewApplicationErrorWithOptions(err.Error(), ErrTypeRateLimited,
			temporal.ApplicationErrorOptions{NextRetryDelay: limited.RetryAfter, Details: []any{code}})
	case errors.Is(err, connectors.ErrUnavailable):
		return temporal.NewApplicationError(err.Error(), ErrTypeUnavailable, code)
	case errors.Is(err, connectors.ErrInvalid):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, nil, code)
	case errors.Is(err, connectors.ErrAlreadyExists):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeAlreadyExists, nil, code)
	case errors.Is(err, connectors.ErrNotOwned):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotOwned, nil, code)
	case errors.Is(err, connectors.ErrNotFound):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, nil, code)
	default:
		return temporal.NewApplicationError(err.Error(), ErrTypeUnavailable, code)
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
