package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/internal/logging"
)

func TestWorkerAndLogKeys(t *testing.T) {
	cfg, err := Parse([]byte("worker: {metrics_listen: \"127.0.0.1:9464\"}\nlog: {format: text}\n"))
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9464", cfg.Worker.MetricsListen)
	assert.Equal(t, logging.Text, cfg.Log.Format)

	cfg, err = Parse([]byte("store: sqlite:ilm.db\n"))
	require.NoError(t, err)
	assert.Empty(t, cfg.Worker.MetricsListen, "no metrics server unless asked for")
	assert.Equal(t, logging.JSON, cfg.Log.Format)

	assertParseErrors(t, map[string]struct{ doc, want string }{
		"bad listen":     {`worker: {metrics_listen: "9464"}`, `worker.metrics_listen: "9464" is not host:port`},
		"bad log format": {`log: {format: xml}`, `log.format: log format "xml": want json or text`},
		"unknown key":    {`worker: {metrics: ":9464"}`, `worker: unknown key "metrics"`},
	})
}
