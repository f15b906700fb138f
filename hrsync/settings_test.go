package hrsync

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ilm-dev/ilm/config"
)

// The instance's size bounds reach detection.
func TestSettingsCarrySizeBounds(t *testing.T) {
	s := Settings("w", &config.Workday{MaxFieldBytes: 1024, MaxRowBytes: 32768})
	assert.Equal(t, 1024, s.MaxFieldBytes)
	assert.Equal(t, 32768, s.MaxRowBytes)
}
