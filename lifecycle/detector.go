package lifecycle

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// Detector reads a report one row at a time. Of a row it keeps the employee id and email (to
// find duplicates and orphans) and what the row raised, so a 100k-row report need not be held
// in memory.
//
// A Detector is not safe for concurrent use, and the profiles and inFlight it was built with
// must not change until Finish returns.
type Detector struct {
	s          Settings
	prio       int
	deactField string
	today      day
	profiles   []profile.Profile
	inFlight   map[string]bool
	active     int
	rows       int
	ids        keyIndex
	emails     keyIndex
	seen       []bool   // per profile: a row matched it
	names      []string // per profile: the display name of an active one
	outcomes   []outcome
}

// outcome is what one row raised: an event or an error. name is set when the event waits on
// the display-name check, which Finish makes in one pass over the profiles; self is the
// person's stored profile (-1: none).
type outcome struct {
	seq   int32
	event Event
	err   *RowError
	name  string
	self  int32
}

// Detect compares a whole report with the stored profiles. inFlight holds the employee ids
// with a running incident; now gives "today" as a calendar date in now's location.
func Detect(rows []Row, profiles []profile.Profile, inFlight map[string]bool, s Settings, now time.Time) Result {
	d := NewDetector(profiles, inFlight, s, now)
	for _, r := range rows {
		d.Add(r)
	}
	return d.Finish()
}

// NewDetector starts a streaming detection; see Detect for the arguments.
func NewDetector(profiles []profile.Profile, inFlight map[string]bool, s Settings, now time.Time) *Detector {
	d := &Detector{
		s:          s,
		prio:       priority(s.SourcePriority),
		deactField: deactivationField(s),
		today:      today(now),
		profiles:   profiles,
		inFlight:   inFlight,
		ids:        newKeyIndex(true, len(profiles)),
		emails:     newKeyIndex(false, len(profiles)),
		seen:       make([]bool, len(profiles)),
		names:      make([]string, len(profiles)),
	}
	for i := range profiles {
		p := &profiles[i]
		d.ids.addProfile(p.EmployeeID(), i)
		d.emails.addProfile(p.Email(), i)
		if p.IsActive() {
			d.active++
			d.names[i] = p.DisplayName()
		}
	}
	return d
}

// Add reads the next report row.
func (d *Detector) Add(r Row) {
	seq := int32(d.rows)
	d.rows++
	id := r.Fields.Get(profile.EmployeeID)
	email := strings.ToLower(r.Fields.Get(profile.Email))
	k := rowKey{seq: seq, number: r.Number, id: id, email: email}
	idx, takenBy := d.lookup(id, d.ids.addRow(id, k), d.emails.addRow(email, k))
	if idx >= 0 {
		d.seen[idx] = true
	}
	v, rerr := readRow(r, id, email, d.deactField, d.today)
	if rerr != nil {
		d.outcomes = append(d.outcomes, outcome{seq: seq, err: rerr})
		return
	}
	if !reached(d.s.DaysBeforeHireToSync, v.daysToHire) {
		return
	}
	var stored *profile.Profile
	if idx >= 0 {
		stored = &d.profiles[idx]
		if priority(stored.SourcePriority) < d.prio {
			return
		}
	}
	if d.inFlight[id] {
		return
	}
	if takenBy >= 0 {
		d.outcomes = append(d.outcomes, outcome{seq: seq, err: &RowError{
			Row: r.Number, EmployeeID: id, Email: email, Field: profile.Email,
			Reason: "email already used by employee " + d.profiles[takenBy].EmployeeID(),
		}})
		return
	}
	ev, ok := d.detect(&v, stored)
	if !ok || (stored != nil && ev.Type != RehireUser && involuntarilyTerminated(stored)) {
		return
	}
	d.outcomes = append(d.outcomes, outcome{seq: seq, event: ev, name: nameToCheck(ev, &v, stored), self: idx})
}

// lookup finds the stored profile of a row: by employee id (byID), else by email (byEmail).
// A profile found by email that has another employee id in this same source is another
// person: takenBy. Across sources the email is what links a person (a conversion hire).
func (d *Detector) lookup(id string, byID, byEmail int32) (match, takenBy int32) {
	if byID >= 0 {
		return byID, -1
	}
	if byEmail < 0 {
		return -1, -1
	}
	p := &d.profiles[byEmail]
	if id != "" && p.EmployeeID() != "" && priority(p.SourcePriority) == d.prio {
		return -1, byEmail
	}
	return byEmail, -1
}

// Finish returns what the report means. It does not change the Detector.
func (d *Detector) Finish() Result {
	dups := d.duplicateErrors()
	holders := d.nameHolders()
	res := Result{Seen: d.rows}
	terminations := 0
	for _, o := range d.outcomes {
		if o.err != nil {
			delete(dups, o.seq) // a row keeps its own error
			res.Errors = append(res.Errors, *o.err)
			continue
		}
		if e, dup := dups[o.seq]; dup {
			delete(dups, o.seq)
			res.Errors = append(res.Errors, e)
			continue
		}
		ev := o.event
		if o.name != "" && holders.heldByOther(o.name, o.self) {
			ev = d.collision(ev, o.self)
		}
		if ev.Type == TerminateUser {
			terminations++
		}
		res.Events = append(res.Events, ev)
	}
	for _, e := range dups {
		res.Errors = append(res.Errors, e)
	}
	orphans := len(res.Events)
	res.Events = d.appendOrphans(res.Events)
	orphans = len(res.Events) - orphans

	slices.SortFunc(res.Events, func(a, b Event) int {
		return cmp.Or(strings.Compare(a.EmployeeID, b.EmployeeID), strings.Compare(string(a.Type), string(b.Type)), cmp.Compare(a.Row, b.Row))
	})
	slices.SortFunc(res.Errors, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), strings.Compare(a.Reason, b.Reason))
	})
	res.Guard = judge(d.s.Guard, terminations, orphans, d.active)
	return res
}

// duplicateErrors gives every row sharing an employee id or an email with another row its
// error, keyed by seq; a row in both kinds of duplicate gets the employee id one.
func (d *Detector) duplicateErrors() map[int32]RowError {
	if len(d.ids.dups) == 0 && len(d.emails.dups) == 0 {
		return nil
	}
	out := map[int32]RowError{}
	add := func(dups map[string][]rowKey, field, what string) {
		for _, key := range profile.SortedKeys(dups) {
			rows := dups[key]
			numbers := make([]string, len(rows))
			for i, r := range rows {
				numbers[i] = strconv.Itoa(r.number)
			}
			reason := fmt.Sprintf("duplicate %s %s in report (rows %s)", what, key, strings.Join(numbers, ", "))
			for _, r := range rows {
				if _, done := out[r.seq]; !done {
					out[r.seq] = RowError{Row: r.number, EmployeeID: r.id, Email: r.email, Field: field, Reason: reason}
				}
			}
		}
	}
	add(d.ids.dups, profile.EmployeeID, "employee id")
	add(d.emails.dups, profile.Email, "email")
	return out
}

// appendOrphans raises a review for every active profile of this source that no row
// matched. An orphan is never terminated: a truncated report must not disable anyone.
func (d *Detector) appendOrphans(events []Event) []Event {
	for i := range d.profiles {
		p := &d.profiles[i]
		if d.seen[i] || priority(p.SourcePriority) != d.prio || !p.IsActive() || d.inFlight[p.EmployeeID()] {
			continue
		}
		events = append(events, Event{
			Type:       SyncUser,
			EmployeeID: p.EmployeeID(),
			Email:      p.Email(),
			Details:    orphanDetails,
			Profile:    carry(p),
		})
	}
	return events
}
