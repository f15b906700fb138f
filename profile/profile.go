package profile

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// Fields holds stock and custom profile fields keyed by field key. An absent key and an
// empty value mean the same: the field has no value.
type Fields map[string]string

// Get returns the trimmed value of key ("" when absent).
func (f Fields) Get(key string) string { return strings.TrimSpace(f[key]) }

// Clone returns an independent copy.
func (f Fields) Clone() Fields {
	if f == nil {
		return nil
	}
	c := make(Fields, len(f))
	for k, v := range f {
		c[k] = v
	}
	return c
}

// ADStatus is the state of the person's Active Directory account as ILM knows it.
type ADStatus string

// AD account states (SPEC §1). The empty status means ILM has not provisioned AD.
const (
	ADPending  ADStatus = "Pending"
	ADEnabled  ADStatus = "Enabled"
	ADDisabled ADStatus = "Disabled"
)

// Profile is one person's record: what HR said last (Fields) and what ILM did (the
// lifecycle fields).
type Profile struct {
	Fields          Fields   `json:"fields"`
	ADStatus        ADStatus `json:"adaccountstatus,omitempty"`
	SourcePriority  int      `json:"sourcepriority"`
	SourceOfTruth   string   `json:"sourceoftruth,omitempty"`
	ConversionHire  bool     `json:"conversionhire,omitempty"`
	AcquisitionHire bool     `json:"acquisitionhire,omitempty"`
	Applications    []string `json:"applications,omitempty"`
	OldUserData     Fields   `json:"olduserdata,omitempty"`
	// AccountName is the unique name ILM reserved for the person before their first
	// account was created (provisioning.unique_names): the login, sAMAccountName and mail
	// local part every target gets, free in all of them. "" when none was reserved. HR's
	// report never changes it; outgoing mappers see it as accountname.
	AccountName string    `json:"accountname,omitempty"`
	UpdatedAt   time.Time `json:"updated_at,omitempty"`
	// Revision counts the saves of the stored profile: 0 for one never stored. An incident
	// carries the revision it was planned from and acts only while it is still current.
	Revision int64 `json:"revision,omitempty"`
}

// Clone returns an independent copy: its maps and lists are copies too.
func (p Profile) Clone() Profile {
	c := p
	c.Fields = p.Fields.Clone()
	c.Applications = slices.Clone(p.Applications)
	c.OldUserData = p.OldUserData.Clone()
	return c
}

// EmployeeID is the HR employee id, the profile's key.
func (p Profile) EmployeeID() string { return p.Fields.Get(EmployeeID) }

// Email is the work email, the profile's second key.
func (p Profile) Email() string { return strings.ToLower(p.Fields.Get(Email)) }

// DisplayName is the name shown for the person.
func (p Profile) DisplayName() string { return p.Fields.Get(DisplayName) }

// IsTerminated says whether HR marks the person terminated.
func (p Profile) IsTerminated() bool {
	return strings.EqualFold(p.Fields.Get(EmploymentStatus), StatusTerminated)
}

// IsActive says whether the person counts as active: not terminated by HR and not
// disabled by ILM.
func (p Profile) IsActive() bool { return !p.IsTerminated() && p.ADStatus != ADDisabled }

// Change is one field's old and new value.
type Change struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Diff returns the fields whose values differ between old and new, keyed by field key.
// Keys only in one side count when their value is not empty there.
func Diff(old, new Fields) map[string]Change {
	var out map[string]Change
	add := func(k string, c Change) {
		if out == nil {
			out = map[string]Change{}
		}
		out[k] = c
	}
	for k, nv := range new {
		if ov := old[k]; strings.TrimSpace(ov) != strings.TrimSpace(nv) {
			add(k, Change{Old: ov, New: nv})
		}
	}
	for k, ov := range old {
		if _, ok := new[k]; !ok && strings.TrimSpace(ov) != "" {
			add(k, Change{Old: ov, New: ""})
		}
	}
	return out
}

// SortedKeys returns the keys of m in order, for stable output.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
