package config

import "fmt"

// UniqueNames makes ILM choose, before a new hire's first account is created, one account
// name free in every target the person gets, and reserve it in the store
// (provisioning.unique_names).
type UniqueNames struct {
	// Enabled turns the choice on; off, the outgoing mappers build names as they always did.
	Enabled bool `yaml:"enabled"`
	// Mapper lists the candidates in its username_candidates field (default the stock
	// mappers/unique-names.yaml).
	Mapper string `yaml:"mapper"`
	// MaxLength bounds a name, counter included (default 20, Active Directory's limit for
	// sAMAccountName).
	MaxLength int `yaml:"max_length"`
}

// Unique-name defaults and bounds: 20 is the sAMAccountName limit; 64 the local part of a
// mail address (RFC 5321).
const (
	DefaultUniqueNameLength = 20
	MinUniqueNameLength     = 3
	MaxUniqueNameLength     = 64
)

func (u *UniqueNames) applyDefaults() {
	if u.Mapper == "" {
		u.Mapper = "mappers/unique-names.yaml"
	}
	if u.MaxLength == 0 {
		u.MaxLength = DefaultUniqueNameLength
	}
}

func (u *UniqueNames) validate() []error {
	const key = "provisioning.unique_names"
	if u.MaxLength < MinUniqueNameLength || u.MaxLength > MaxUniqueNameLength {
		return []error{fmt.Errorf("%s.max_length: %d is not between %d and %d", key, u.MaxLength, MinUniqueNameLength, MaxUniqueNameLength)}
	}
	return nil
}
