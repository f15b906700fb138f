package activities

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/connectors"
)

// classify is the one retry decision production makes for a connector error; it retries
// what connectors.Retryable retries.
func TestClassifyDecidesRetries(t *testing.T) {
	for _, tc := range []struct {
		name         string
		err          error
		typ          string
		nonRetryable bool
		delay        time.Duration
	}{
		{"invalid", connectors.Invalid("bad"), ErrTypeInvalid, true, 0},
		{"already exists", &connectors.CodedError{Class: connectors.ErrAlreadyExists, Message: "taken"}, ErrTypeAlreadyExists, true, 0},
		{"not found", &connectors.CodedError{Class: connectors.ErrNotFound, Message: "gone"}, ErrTypeNotFound, true, 0},
		{"not owned", &connectors.CodedError{Class: connectors.ErrNotOwned, Message: "jdoe stores no employee id"}, ErrTypeNotOwned, true, 0},
		{"unavailable", fmt.Errorf("call: %w", connectors.ErrUnavailable), ErrTypeUnavailable, false, 0},
		{"rate limited", &connectors.RateLimitedError{RetryAfter: 42 * time.Second, Message: "429"}, ErrTypeRateLimited, false, 42 * time.Second},
		{"unclassified", errors.New("connection reset"), ErrTypeUnavailable, false, 0},
		{"timed out", fmt.Errorf("bind: %w", context.DeadlineExceeded), ErrTypeUnavailable, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var appErr *temporal.ApplicationError
			require.ErrorAs(t, classify(tc.err), &appErr)
			assert.Equal(t, tc.typ, appErr.Type())
			assert.Equal(t, tc.nonRetryable, appErr.NonRetryable())
			assert.Equal(t, tc.delay, appErr.NextRetryDelay())
		})
	}
}
