package store

import (
	"encoding/json"
	"maps"
	"strconv"

	"github.com/ilm-dev/ilm/profile"
)

// Changes returns what a history row records for a save of next over old (the zero
// Profile when the person is new): the profile.Diff of the Fields, plus the lifecycle
// fields that differ, under their keys (profile.ADAccountStatusKey, …) with their values
// rendered as strings ("Pending", "2", "true", `["okta"]`). It is nil when nothing changed;
// UpdatedAt is not compared.
func Changes(old, next profile.Profile) map[string]profile.Change {
	changes := profile.Diff(old.Fields, next.Fields)
	lifecycle := profile.Diff(lifecycleFields(old), lifecycleFields(next))
	if len(lifecycle) == 0 {
		return changes
	}
	if changes == nil {
		return lifecycle
	}
	maps.Copy(changes, lifecycle)
	return changes
}

// lifecycleFields renders the lifecycle fields of p as field values. Empty lists and maps
// render as "[]" and "{}" whether nil or not, so that neither counts as a change.
func lifecycleFields(p profile.Profile) profile.Fields {
	apps := p.Applications
	if apps == nil {
		apps = []string{}
	}
	old := p.OldUserData
	if old == nil {
		old = profile.Fields{}
	}
	return profile.Fields{
		profile.ADAccountStatusKey: string(p.ADStatus),
		profile.SourcePriorityKey:  strconv.Itoa(p.SourcePriority),
		profile.SourceOfTruthKey:   p.SourceOfTruth,
		profile.ConversionHireKey:  strconv.FormatBool(p.ConversionHire),
		profile.AcquisitionHireKey: strconv.FormatBool(p.AcquisitionHire),
		profile.ApplicationsKey:    mustJSON(apps),
		profile.OldUserDataKey:     mustJSON(old),
		profile.AccountNameKey:     p.AccountName,
	}
}

// mustJSON marshals values that cannot fail to marshal: string slices and string maps.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("store: marshal " + err.Error())
	}
	return string(b)
}
