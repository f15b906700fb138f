package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The size bounds of a report row are the instance's; left out, they are 0 and the
// detection's defaults apply.
func TestWorkdaySizeBounds(t *testing.T) {
	cfg, err := Parse([]byte(`instances:
  - {name: w, type: workday, report_url: "file:a", max_field_bytes: 1024, max_row_bytes: 262144}
  - {name: d, type: workday, report_url: "file:b"}`))
	require.NoError(t, err)
	w, err := cfg.WorkdayInstance("w")
	require.NoError(t, err)
	assert.Equal(t, 1024, w.MaxFieldBytes)
	assert.Equal(t, MaxRowBytesLimit, w.MaxRowBytes)
	d, err := cfg.WorkdayInstance("d")
	require.NoError(t, err)
	assert.Zero(t, d.MaxFieldBytes)
	assert.Zero(t, d.MaxRowBytes)

	assertParseErrors(t, map[string]struct{ doc, want string }{
		"negative field": {`instances: [{name: w, type: workday, report_url: "file:a", max_field_bytes: -1}]`, `instances[0].max_field_bytes: must be between 1 and 262144`},
		"row too large":  {`instances: [{name: w, type: workday, report_url: "file:a", max_row_bytes: 1048576}]`, `instances[0].max_row_bytes: must be between 1 and 262144`},
		"field over row": {`instances: [{name: w, type: workday, report_url: "file:a", max_field_bytes: 8192, max_row_bytes: 4096}]`, `instances[0].max_field_bytes: 8192 is more than max_row_bytes 4096`},
	})
}
