package config

import (
	"fmt"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Secret reads a secret from the environment variable env or, failing that, the file path.
// Errors name the variable or file, never the value. Both empty means no secret.
func Secret(what, env, file string) (string, error) {
	if env != "" {
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return "", fmt.Errorf("%s: environment variable %s is not set", what, env)
		}
		return v, nil
	}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s: cannot read %s: %w", what, file, err)
		}
		return strings.TrimRight(string(data), "\r\n"), nil
	}
	return "", nil
}

// Duration is a time.Duration written as "15m", "1h30m" in YAML.
type Duration struct{ time.Duration }

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(node *yaml.Node) error {
	if node.Value == "" {
		return nil
	}
	v, err := time.ParseDuration(node.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration such as 15m or 1h", node.Line, node.Value)
	}
	d.Duration = v
	return nil
}
