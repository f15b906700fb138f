package config

import (
	"fmt"
	"net"

	"github.com/ilm-dev/ilm/internal/logging"
)

// Worker configures the worker process.
type Worker struct {
	// MetricsListen is the host:port the worker serves /metrics (Prometheus) and /healthz
	// on; empty serves neither. The worker's --metrics-listen overrides it.
	MetricsListen string `yaml:"metrics_listen"`
}

// Log says how the programs log.
type Log struct {
	// Format is json (the default: one JSON object a line) or text. The worker's
	// --log-format overrides it.
	Format string `yaml:"format"`
}

func (w Worker) validate() []error {
	if w.MetricsListen == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(w.MetricsListen); err != nil {
		return []error{fmt.Errorf("worker.metrics_listen: %q is not host:port (e.g. 127.0.0.1:9464 or :9464): %v", w.MetricsListen, err)}
	}
	return nil
}

func (l *Log) applyDefaults() {
	if l.Format == "" {
		l.Format = logging.JSON
	}
}

func (l Log) validate() []error {
	if err := logging.CheckFormat(l.Format); err != nil {
		return []error{fmt.Errorf("log.format: %w", err)}
	}
	return nil
}
