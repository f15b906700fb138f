package connectors

import (
	"strings"

	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

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

// Mapping runs an outgoing mapper over a profile in the three ways the contract needs:
// every field (a create, or an update from HR's full profile), only what the fields given
// decide (an update from a partial user profile), and only the fields accounts are found by
// (a lookup, which needs nothing else). Mapping failures are ErrInvalid, naming the mapper
// and field.
type Mapping struct {
	Mapper *mappers.Mapper
	// Extend, when set, adds the connector's own variables to a profile's MapperSource
	// (Active Directory's basedn and rdn).
	Extend func(src map[string]any)
}

func (m Mapping) source(p profile.Profile) map[string]any {
	src := MapperSource(p.Fields, p.AccountName, 2)
	if m.Extend != nil {
		m.Extend(src)
	}
	return src
}

func (m Mapping) invalid(err error) error {
	return &CodedError{Class: ErrInvalid, Message: err.Error()}
}

// All maps every field of the mapper, "" where it gives no value (so that a value HR cleared
// is cleared in the target too).
func (m Mapping) All(p profile.Profile) (map[string]string, error) {
	out, err := m.Mapper.MapFields(m.source(p), mappers.Options{})
	if err != nil {
		return nil, m.invalid(err)
	}
	d := make(map[string]string, len(out))
	for _, key := range m.Mapper.Fields() {
		d[key] = out[key]
	}
	return d, nil
}

// Given maps only the fields whose value the fields p gives decide, for an update from a
// partial user profile: a field the profile leaves out leaves alone every attribute that
// depends on it, and a field given as "" clears the attributes it decides. A mapped field is
// decided when giving the fields left out any value would not change it: it is mapped twice,
// the second time with a marker in every field it reads that the profile lacks, and kept
// only when both agree. So coalesce(username, email) is decided by username alone, or by
// both, but not by email alone. A field whose expression reads a key it computes is never
// decided: it might read any field. The account name counts as given: the profile carries
// the person's reserved name, or there is none.
func (m Mapping) Given(p profile.Profile) (map[string]string, error) {
	probe := p.Clone()
	if probe.Fields == nil {
		probe.Fields = profile.Fields{}
	}
	undecidable := map[string]bool{}
	for _, key := range m.Mapper.Fields() {
		names, readsAny := m.Mapper.Reads(key)
		undecidable[key] = readsAny
		for _, name := range names {
			if _, given := p.Fields[name]; !given && name != profile.AccountNameKey {
				probe.Fields[name] = "\x00not given: " + name + "\x00"
			}
		}
	}
	got, err := m.Mapper.MapFields(m.source(p), mappers.Options{})
	gotErrs := mappers.FieldErrors(err)
	alt, err := m.Mapper.MapFields(m.source(probe), mappers.Options{})
	altErrs := mappers.FieldErrors(err)
	if err := gotErrs[""]; err != nil {
		return nil, m.invalid(err)
	}
	d := map[string]string{}
	for _, key := range m.Mapper.Fields() {
		gotErr, altErr := gotErrs[key], altErrs[key]
		switch {
		case undecidable[key]:
		case gotErr == nil && altErr == nil && got[key] == alt[key]:
			d[key] = got[key]
		case gotErr != nil && altErr != nil && gotErr.Error() == altErr.Error():
			// The fields given make it fail, whatever the others hold.
			return nil, m.invalid(gotErr)
		}
	}
	return d, nil
}

// Desired maps p for a create or an update: every field (All), or when partial only those
// p's fields decide (Given). name, the field an account is named by, is never emptied: when
// it comes out "" (from a full profile, or a partial one that decides it), that is ErrInvalid
// naming the mapper, the field and the employee.
func (m Mapping) Desired(p profile.Profile, partial bool, name string) (map[string]string, error) {
	var d map[string]string
	var err error
	if partial {
		d, err = m.Given(p)
	} else {
		d, err = m.All(p)
	}
	if err != nil {
		return nil, err
	}
	if v, ok := d[name]; (ok || !partial) && v == "" {
		return nil, Invalid("mapper %s: %s is empty for employee %s", m.Mapper.Name, name, p.EmployeeID())
	}
	return d, nil
}

// Lookup maps only keys, the fields accounts are found by, leaving out those that come out
// empty: a lookup tries the keys it has.
func (m Mapping) Lookup(p profile.Profile, keys ...string) (map[string]string, error) {
	out, err := m.Mapper.MapSome(m.source(p), mappers.Options{}, keys...)
	if err != nil {
		return nil, m.invalid(err)
	}
	return out, nil
}
