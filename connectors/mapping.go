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
	out, err := m.MapFields(MapperSource(p.Fields, p.AccountName, 0), mappers.Options{})
	if err != nil {
		return nil, &CodedError{Class: ErrInvalid, Message: err.Error()}
	}
	d := make(map[string]string, len(out))
	for _, key := range m.Fields() {
		d[key] = out[key]
	}
	return d, nil
}

// MapperSource is what an outgoing mapper's expressions see of a profile: its fields that
// have a value, and accountname, the name reserved for the person (profile.AccountName),
// when there is one. extra sizes the map for the caller's own variables.
func MapperSource(fields profile.Fields, accountName string, extra int) map[string]any {
	src := make(map[string]any, len(fields)+1+extra)
	for k, v := range fields {
		if v = strings.TrimSpace(v); v != "" {
			src[k] = v
		}
	}
	if accountName != "" {
		src[profile.AccountNameKey] = accountName
	}
	return src
}
