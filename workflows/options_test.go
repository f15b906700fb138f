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
