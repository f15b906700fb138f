package config

import (
	"fmt"

	"github.com/ilm-dev/ilm/internal/logging"
)

// Log says how the programs log.
type Log struct {
	// Format is json (the default: one JSON object a line) or text. The worker's
	// --log-format overrides it.
	Format string `yaml:"format"`
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
