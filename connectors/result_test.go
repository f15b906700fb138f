package connectors

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFailure(t *testing.T) {
	coded := fmt.Errorf("create: %w", &CodedError{Class: ErrInvalid, Code: "E0000001", Message: "login: already in use"})
	assert.Equal(t, Result{Instance: "okta", Action: OpCreate, ErrorCode: "E0000001",
		ErrorMessage: "create: E0000001: login: already in use"}, Failure("okta", OpCreate, coded))

	limited := &RateLimitedError{RetryAfter: 0, Message: "slow down"}
	assert.Equal(t, "unavailable", Failure("okta", OpGet, limited).ErrorCode)
	assert.Equal(t, "invalid request", Failure("ad", OpUpdate, Invalid("no OU")).ErrorCode)
	assert.Empty(t, Failure("ad", OpUpdate, errors.New("eof")).ErrorCode)
	assert.False(t, Failure("ad", OpUpdate, errors.New("eof")).Success)
}
