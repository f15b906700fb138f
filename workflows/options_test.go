package workflows

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ilm-dev/ilm/config"
)

// The config refuses a target timeout longer than a target call's activity may run; the
// two bounds must stay one.
func TestTargetTimeoutBoundIsTheActivityTimeout(t *testing.T) {
	assert.Equal(t, config.MaxTargetTimeout, connectorCall.StartToCloseTimeout)
}

// An activation attempt makes two LDAP calls and one SMTP session, each bounded by its
// timeout: the attempt outlives all three, so it is not retried, with a second password and
// mail, merely because the mail server was slow.
func TestActivationOutlivesItsSteps(t *testing.T) {
	steps := 2*config.MaxTargetTimeout + config.DefaultSMTPTimeout
	assert.Greater(t, activationCall.StartToCloseTimeout, steps)
}
