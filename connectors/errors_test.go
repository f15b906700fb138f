package connectors

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRetryable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("bind: %w", ErrUnavailable), true},
		{&RateLimitedError{RetryAfter: time.Second}, true},
		{context.DeadlineExceeded, true},
		{errors.New("connection reset"), true},
		{Invalid("password does not meet policy"), false},
		{&CodedError{Class: ErrAlreadyExists, Code: "E0000001", Message: "login taken"}, false},
		{fmt.Errorf("get: %w", ErrNotFound), false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, Retryable(tc.err), "%v", tc.err)
	}
}

func TestCodedErrorKeepsItsClassAndCode(t *testing.T) {
	err := fmt.Errorf("okta: %w", &CodedError{Class: ErrInvalid, Code: "E0000001", Message: "Api validation failed"})
	assert.ErrorIs(t, err, ErrInvalid)
	var coded *CodedError
	assert.ErrorAs(t, err, &coded)
	assert.Equal(t, "E0000001", coded.Code)
	assert.Equal(t, "okta: E0000001: Api validation failed", err.Error())
}
