package connectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// A failed result says nothing of the account's state: "active" is left out, not false.
func TestFailedResultClaimsNoState(t *testing.T) {
	failed, err := json.Marshal(Failure("ad", OpDisable, Invalid("no OU")))
	require.NoError(t, err)
	assert.NotContains(t, string(failed), `"active"`)
	assert.Contains(t, string(failed), `"error_message":"no OU"`)

	disabled, err := json.Marshal(Result{Instance: "ad", Action: OpDisable, Success: true})
	require.NoError(t, err)
	assert.Contains(t, string(disabled), `"active":false`)
	var back Result
	require.NoError(t, json.Unmarshal(disabled, &back))
	assert.Equal(t, Result{Instance: "ad", Action: OpDisable, Success: true}, back)
}

// Warnings travel with a result into the incident's result, and are left out when there
// are none.
func TestResultWarnings(t *testing.T) {
	warned := Result{Instance: "github", Action: OpUpdate, Success: true, Active: true,
		Warnings: []string{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department is not sent to github"}}
	raw, err := json.Marshal(warned)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"warnings":["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department is not sent to github"]`)
	var back Result
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, warned, back)

	failed, err := json.Marshal(Result{Instance: "github", Action: OpUpdate, Warnings: warned.Warnings})
	require.NoError(t, err)
	assert.Contains(t, string(failed), `"warnings"`, "a failed result keeps its warnings")

	plain, err := json.Marshal(Result{Instance: "ad", Action: OpUpdate, Success: true})
	require.NoError(t, err)
	assert.NotContains(t, string(plain), "warnings")
}
