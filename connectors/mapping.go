package connectors

import (
	"strings"

	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

// MapProfile runs an outgoing mapper over a profile's fields: every field of the mapper,
// "" where it gives no value (so that a value HR cleared is cleared in the target too).
// A mapping failure is ErrInvalid, naming the mapper and field.
func MapProfile(m *mappers.Mapper, p profile.Profile) (map[string]string, error) {
	src := make(map[string]any, len(p.Fields))
	for k, v := range p.Fields {
		if v = strings.TrimSpace(v); v != "" {
			src[k] = v
		}
	}
	out, err := m.MapFields(src, mappers.Options{})
	if err != nil {
		return nil, &CodedError{Class: ErrInvalid, Message: err.Error()}
	}
	d := make(map[string]string, len(out))
	for _, key := range m.Fields() {
		d[key] = out[key]
	}
	return d, nil
}
