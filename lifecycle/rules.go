package lifecycle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ilm-dev/ilm/profile"
)

// Details of the events, worded as XSOAR's Workday integration words them.
const (
	newHireDetails        = "The user has been hired."
	adActivationDetails   = "Active Directory user account was enabled."
	adDeactivationDetails = "Active Directory user account was disabled due to hire date postponement."
	rehireDetails         = "The user has been rehired."
	terminateDetails      = "The user has been terminated."
	conversionDetails     = "A conversion hire was detected."
	orphanDetails         = "An orphan user was detected (could not find the user in the Workday report). Please review and terminate if necessary."
	collisionDetails      = "Detected an %q event, but display name already exists. Please review."
)

// involuntary is the termination trigger of people terminated for cause: only a rehire may
// touch them again.
const involuntary = "TUFE"

// detect applies the detection rules in order; the first that matches wins. stored is nil
// when the person has no profile.
func (d *Detector) detect(v *view, stored *profile.Profile) (Event, bool) {
	ev := Event{EmployeeID: v.id, Email: v.email, Row: v.number}
	if stored == nil {
		if !(v.prehire && v.status == "") && (v.terminated || v.deactivationPassed) {
			return ev, false
		}
		ev.Type, ev.Details = NewHire, newHireDetails
		ev.Profile = profile.Profile{
			Fields:         v.fields.Clone(),
			ADStatus:       profile.ADPending,
			SourcePriority: d.prio,
			SourceOfTruth:  d.s.Instance,
		}
		return ev, true
	}
	enableAD := reached(d.s.DaysBeforeHireToEnableAD, v.daysToHire)
	switch {
	// Beyond XSOAR, whose first match would enable the account of a pending hire that HR
	// has terminated before the start date: such a person is terminated, never activated.
	case stored.ADStatus == profile.ADPending && enableAD && !v.employmentEnded():
		ev.Type, ev.Details = ADActivation, adActivationDetails
		ev.Profile = carry(stored)
		ev.Profile.ADStatus = profile.ADEnabled
	case priority(stored.SourcePriority) == d.prio && !stored.ConversionHire && stored.ADStatus == profile.ADEnabled && !enableAD:
		ev.Type, ev.Details = ADDeactivation, adDeactivationDetails
		ev.Profile = carry(stored)
		ev.Profile.ADStatus = profile.ADPending
	case stored.ADStatus == profile.ADDisabled && v.prehire && strings.EqualFold(v.fields.Get(profile.RehiredEmployee), "yes"):
		ev.Type, ev.Details = RehireUser, rehireDetails
		ev.ChangedFields = profile.Diff(stored.Fields, v.fields)
		ev.Profile = fromRow(stored, v)
		ev.Profile.ADStatus = profile.ADPending
		ev.Profile.OldUserData = stored.Fields.Clone()
	case stored.ADStatus != profile.ADDisabled && v.employmentEnded():
		ev.Type, ev.Details = TerminateUser, terminateDetails
		ev.Profile = fromRow(stored, v)
		ev.Profile.ADStatus = profile.ADDisabled
	default:
		return d.update(ev, v, stored)
	}
	return ev, true
}

// update is the last rule: some field differs and HR has not terminated the person. A
// different source priority is a change too, and makes a conversion hire.
func (d *Detector) update(ev Event, v *view, stored *profile.Profile) (Event, bool) {
	conversion := priority(stored.SourcePriority) != d.prio
	if v.terminated || (!conversion && sameFields(stored.Fields, v.fields)) {
		return ev, false
	}
	changes := profile.Diff(stored.Fields, v.fields)
	if conversion {
		if changes == nil {
			changes = map[string]profile.Change{}
		}
		changes[profile.SourcePriorityKey] = profile.Change{
			Old: strconv.Itoa(priority(stored.SourcePriority)),
			New: strconv.Itoa(d.prio),
		}
	}
	if len(changes) == 0 {
		return ev, false
	}
	ev.Type, ev.ChangedFields = UpdateUser, changes
	ev.Details = describe(changes)
	ev.Profile = fromRow(stored, v)
	ev.Profile.OldUserData = stored.Fields.Clone()
	if conversion {
		ev.Details = conversionDetails + "\n" + ev.Details
		ev.Profile.ConversionHire = true
		ev.Profile.SourcePriority = d.prio
		ev.Profile.SourceOfTruth = d.s.Instance
	}
	return ev, true
}

// involuntarilyTerminated says whether the person was terminated for cause: then only a
// rehire may touch them again.
func involuntarilyTerminated(stored *profile.Profile) bool {
	return strings.EqualFold(stored.Fields.Get(profile.TerminationTrigger), involuntary)
}

// nameToCheck is the folded display name a new hire, rehire or update must not take from
// another active person; "" when there is nothing to check (no name, or a name the person
// already has).
func nameToCheck(ev Event, v *view, stored *profile.Profile) string {
	if ev.Type != NewHire && ev.Type != RehireUser && ev.Type != UpdateUser {
		return ""
	}
	name := v.fields.Get(profile.DisplayName)
	if name == "" || (stored != nil && strings.EqualFold(name, stored.DisplayName())) {
		return ""
	}
	return string(appendFolded(nil, name))
}

// collision turns an event whose display name another active person holds into a review.
// self is the person's stored profile (-1 for a new hire, whose review keeps the new profile).
func (d *Detector) collision(ev Event, self int32) Event {
	rv := ev
	rv.Type, rv.Intended = SyncUser, ev.Type
	rv.Details = fmt.Sprintf(collisionDetails, ev.Type)
	if len(ev.ChangedFields) > 0 {
		rv.Details += "\n" + describe(ev.ChangedFields)
	}
	if self >= 0 {
		rv.Profile = carry(&d.profiles[self])
	}
	return rv
}

// describe lists changes one per line in field key order: `department: "Sales" → "Engineering"`.
func describe(changes map[string]profile.Change) string {
	var b strings.Builder
	for i, k := range profile.SortedKeys(changes) {
		if i > 0 {
			b.WriteByte('\n')
		}
		c := changes[k]
		fmt.Fprintf(&b, "%s: %q → %q", k, c.Old, c.New)
	}
	return b.String()
}

// sameFields is profile.Diff(a, b) == nil without allocating: the unchanged rows, nearly all
// of a report, cost one pass over the row's fields.
func sameFields(stored, row profile.Fields) bool {
	common := 0
	for k, nv := range row {
		ov, ok := stored[k]
		if ov != nv && strings.TrimSpace(ov) != strings.TrimSpace(nv) {
			return false
		}
		if ok {
			common++
		}
	}
	if common == len(stored) {
		return true
	}
	for k, ov := range stored {
		if _, ok := row[k]; !ok && strings.TrimSpace(ov) != "" {
			return false
		}
	}
	return true
}

// carry copies a stored profile, sharing nothing with it.
func carry(p *profile.Profile) profile.Profile {
	c := *p
	c.Fields = p.Fields.Clone()
	c.Applications = slices.Clone(p.Applications)
	c.OldUserData = p.OldUserData.Clone()
	return c
}

// fromRow is the stored profile with the row's fields, lifecycle fields carried over.
func fromRow(stored *profile.Profile, v *view) profile.Profile {
	c := *stored
	c.Fields = v.fields.Clone()
	c.Applications = slices.Clone(stored.Applications)
	c.OldUserData = stored.OldUserData.Clone()
	return c
}
