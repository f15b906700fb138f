package lifecycle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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

// newHire is the first rule, for a row whose person has no profile: a new hire, unless HR
// has already ended the employment (a terminated prehire with no status is still coming).
func (d *Detector) newHire(v *view) (Event, bool) {
	if !(v.prehire && v.status == "") && (v.terminated || v.deactivationPassed) {
		return Event{}, false
	}
	return Event{
		Type: NewHire, EmployeeID: v.id, Email: v.email, Row: v.number, Details: newHireDetails,
		Profile: profile.Profile{
			Fields:         v.fields.Clone(),
			ADStatus:       profile.ADPending,
			SourcePriority: d.prio,
			SourceOfTruth:  d.s.Instance,
		},
	}, true
}

// rule applies the other detection rules in order to a row whose person has a profile, and
// returns the type of the event it raises ("" for none); the first rule that matches wins.
// It reads only the stored profile's summary, so unchanged people cost no profile load.
func (d *Detector) rule(v *view, stored *profile.Summary) EventType {
	enableAD := reached(d.s.DaysBeforeHireToEnableAD, v.daysToHire)
	conversion := priority(stored.SourcePriority) != d.prio
	switch {
	// Beyond XSOAR, whose first match would enable the account of a pending hire that HR
	// has terminated before the start date: such a person is terminated, never activated.
	case stored.ADStatus == profile.ADPending && enableAD && !v.employmentEnded():
		return ADActivation
	case !conversion && !stored.ConversionHire && stored.ADStatus == profile.ADEnabled && !enableAD:
		return ADDeactivation
	case stored.ADStatus == profile.ADDisabled && v.prehire && strings.EqualFold(v.fields.Get(profile.RehiredEmployee), "yes"):
		return RehireUser
	case stored.ADStatus != profile.ADDisabled && v.employmentEnded():
		return TerminateUser
	// The last rule: some field differs and HR has not terminated the person. A different
	// source priority is a change too, and makes a conversion hire.
	case v.terminated || (!conversion && d.digests.Of(v.fields) == stored.Digest):
		return ""
	default:
		return UpdateUser
	}
}

// build makes the event of type typ, which rule chose, from the row and the whole stored
// profile.
func (d *Detector) build(typ EventType, v *view, stored *profile.Profile) (Event, bool) {
	ev := Event{Type: typ, EmployeeID: v.id, Email: v.email, Row: v.number}
	switch typ {
	case ADActivation:
		ev.Details = adActivationDetails
		ev.Profile = carry(stored)
		ev.Profile.ADStatus = profile.ADEnabled
	case ADDeactivation:
		ev.Details = adDeactivationDetails
		ev.Profile = carry(stored)
		ev.Profile.ADStatus = profile.ADPending
	case RehireUser:
		ev.Details = rehireDetails
		ev.ChangedFields = profile.Diff(stored.Fields, v.fields)
		ev.Profile = fromRow(stored, v)
		ev.Profile.ADStatus = profile.ADPending
		ev.Profile.OldUserData = stored.Fields // loaded for this event alone (LoadProfile)
	case TerminateUser:
		ev.Details = terminateDetails
		ev.Profile = fromRow(stored, v)
		ev.Profile.ADStatus = profile.ADDisabled
	default:
		return d.update(ev, v, stored)
	}
	return ev, true
}

// update builds an update event: the changed fields, and the conversion to this source when
// the stored profile came from another.
func (d *Detector) update(ev Event, v *view, stored *profile.Profile) (Event, bool) {
	conversion := priority(stored.SourcePriority) != d.prio
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
	ev.ChangedFields = changes
	ev.Details = describe(changes)
	ev.Profile = fromRow(stored, v)
	ev.Profile.OldUserData = stored.Fields // loaded for this event alone (LoadProfile)
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
func involuntarilyTerminated(stored *profile.Summary) bool {
	return strings.EqualFold(stored.TerminationTrigger, involuntary)
}

// nameToCheck is the folded display name a new hire, rehire or update must not take from
// another active person; "" when there is nothing to check (no name, or a name the person
// already has).
func nameToCheck(ev Event, v *view, stored *profile.Summary) string {
	if ev.Type != NewHire && ev.Type != RehireUser && ev.Type != UpdateUser {
		return ""
	}
	name := v.fields.Get(profile.DisplayName)
	if name == "" || (stored != nil && strings.EqualFold(name, stored.DisplayName)) {
		return ""
	}
	return string(appendFolded(nil, name))
}

// collision turns an event whose display name another active person holds into a review.
// stored is the person's stored profile (nil for a new hire, whose review keeps the new
// profile).
func collision(ev Event, stored *profile.Profile) Event {
	rv := ev
	rv.Type, rv.Intended = SyncUser, ev.Type
	rv.Scope = nil // a review calls no target
	rv.Details = fmt.Sprintf(collisionDetails, ev.Type)
	if len(ev.ChangedFields) > 0 {
		rv.Details += "\n" + describe(ev.ChangedFields)
	}
	if stored != nil {
		rv.Profile = carry(stored)
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
		fmt.Fprintf(&b, "%s: %q → %q", k, clip(c.Old), clip(c.New))
	}
	return b.String()
}

// maxDetailValue bounds a value quoted in an event's details, which people read in the Web
// UI and in reviews and which travel with the incident: the whole value is in the profile.
const maxDetailValue = 200

// clip shortens s to at most maxDetailValue bytes, on a rune boundary, marking the cut.
func clip(s string) string {
	if len(s) <= maxDetailValue {
		return s
	}
	i := maxDetailValue
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// carry copies a stored profile, sharing nothing with it.
func carry(p *profile.Profile) profile.Profile { return p.Clone() }

// fromRow is the stored profile with the row's fields, lifecycle fields carried over.
func fromRow(stored *profile.Profile, v *view) profile.Profile {
	c := *stored
	c.Fields = v.fields.Clone()
	c.Applications = slices.Clone(stored.Applications)
	c.OldUserData = stored.OldUserData.Clone()
	return c
}
