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
// find duplicates and orphans) and what the row raised; of a stored profile it keeps a
// Summary and loads the whole profile only when an event needs it. So neither a 100k-row
// report nor 100k stored profiles need be held in memory.
//
// A Detector is not safe for concurrent use, and the summaries and inFlight it was built with
// must not change until Finish returns.
type Detector struct {
	s          Settings
	prio       int
	deactField string
	bounds     bounds
	today      day
	summaries  []profile.Summary
	load       LoadProfile
	inFlight   map[string]bool
	active     int
	rows       int
	ids        keyIndex
	emails     keyIndex
	seen       []bool // per summary: a row matched it
	outcomes   []outcome
	digests    profile.Digester // of the rows' fields
}

// LoadProfile returns the whole stored profile of summaries[i], for the Detector built with
// summaries. The event it is loaded for keeps its fields, uncopied, as the old user data:
// nothing else may change them.
type LoadProfile func(i int) (profile.Profile, error)

// outcome is what one row raised: an event or an error. name is set when the event waits on
// the display-name check, which Finish makes in one pass over the summaries; self is the
// person's stored profile (-1: none) and stored that profile, loaded, when name is set.
type outcome struct {
	seq    int32
	event  Event
	err    *RowError
	name   string
	self   int32
	stored *profile.Profile
}

// NewDetector starts a streaming detection over the summaries of the stored profiles; load
// gives the whole profile of one. inFlight holds the employee ids with a running
// incident; now gives "today" as a calendar date in now's location.
func NewDetector(summaries []profile.Summary, load LoadProfile, inFlight map[string]bool, s Settings, now time.Time) *Detector {
	d := &Detector{
		s:          s,
		prio:       priority(s.SourcePriority),
		deactField: deactivationField(s),
		bounds:     boundsOf(s),
		today:      today(now),
		summaries:  summaries,
		load:       load,
		inFlight:   inFlight,
		ids:        newKeyIndex(true, len(summaries)),
		emails:     newKeyIndex(false, len(summaries)),
		seen:       make([]bool, len(summaries)),
	}
	for i := range summaries {
		sum := &summaries[i]
		d.ids.addProfile(sum.EmployeeID, i)
		d.emails.addProfile(sum.Email, i)
		if sum.IsActive() {
			d.active++
		}
	}
	return d
}

// loadProfile loads the stored profile of summaries[i], naming the person when it fails.
func (d *Detector) loadProfile(i int32) (*profile.Profile, error) {
	p, err := d.load(int(i))
	if err != nil {
		return nil, fmt.Errorf("load profile of employee %s: %w", d.summaries[i].EmployeeID, err)
	}
	return &p, nil
}

// Add reads the next report row. It fails only when a stored profile cannot be loaded; the
// Detector must then be abandoned.
func (d *Detector) Add(r Row) error {
	seq := int32(d.rows)
	d.rows++
	id := r.Fields.Get(profile.EmployeeID)
	email := strings.ToLower(r.Fields.Get(profile.Email))
	k := rowKey{seq: seq, number: r.Number, id: id, email: email}
	idx, takenBy := d.lookup(id, d.ids.addRow(id, k), d.emails.addRow(email, k))
	if idx >= 0 {
		d.seen[idx] = true
	}
	v, rerr := readRow(r, id, email, d.deactField, d.bounds, d.today)
	if rerr != nil {
		d.outcomes = append(d.outcomes, outcome{seq: seq, err: rerr})
		return nil
	}
	if !reached(d.s.DaysBeforeHireToSync, v.daysToHire) {
		return nil
	}
	if idx >= 0 && priority(d.summaries[idx].SourcePriority) < d.prio {
		return nil
	}
	if d.inFlight[id] {
		return nil
	}
	if takenBy >= 0 {
		d.outcomes = append(d.outcomes, outcome{seq: seq, err: &RowError{
			Row: r.Number, EmployeeID: id, Email: email, Field: profile.Email,
			Reason: "email already used by employee " + d.summaries[takenBy].EmployeeID,
		}})
		return nil
	}
	if idx < 0 {
		if ev, ok := d.newHire(&v); ok {
			if serr := d.applyScopes(&ev, nil); serr != nil {
				d.outcomes = append(d.outcomes, outcome{seq: seq, err: serr})
				return nil
			}
			d.outcomes = append(d.outcomes, outcome{seq: seq, event: ev, name: nameToCheck(ev, &v, nil), self: -1})
		}
		return nil
	}
	sum := &d.summaries[idx]
	typ := d.rule(&v, sum)
	if typ == "" || (typ != RehireUser && involuntarilyTerminated(sum)) {
		return nil
	}
	stored, err := d.loadProfile(idx)
	if err != nil {
		return err
	}
	ev, ok := d.build(typ, &v, stored)
	if !ok {
		return nil
	}
	if serr := d.applyScopes(&ev, stored.Fields); serr != nil {
		d.outcomes = append(d.outcomes, outcome{seq: seq, err: serr})
		return nil
	}
	o := outcome{seq: seq, event: ev, name: nameToCheck(ev, &v, sum), self: idx}
	if o.name != "" {
		o.stored = stored
	}
	d.outcomes = append(d.outcomes, o)
	return nil
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
	p := &d.summaries[byEmail]
	if id != "" && p.EmployeeID != "" && priority(p.SourcePriority) == d.prio {
		return -1, byEmail
	}
	return byEmail, -1
}

// Finish returns what the report means. It does not change the Detector, and fails only when
// a stored profile cannot be loaded.
func (d *Detector) Finish() (Result, error) {
	dups := d.duplicateErrors()
	holders := d.nameHolders()
	res := Result{Seen: d.rows}
	var counts GuardCounts
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
			ev = collision(ev, o.stored)
		}
		counts.add(&ev)
		res.Events = append(res.Events, ev)
	}
	for _, e := range dups {
		res.Errors = append(res.Errors, e)
	}
	orphans := len(res.Events)
	var err error
	if res.Events, err = d.appendOrphans(res.Events); err != nil {
		return Result{}, err
	}
	counts.Orphans = len(res.Events) - orphans

	slices.SortFunc(res.Events, func(a, b Event) int {
		return cmp.Or(strings.Compare(a.EmployeeID, b.EmployeeID), strings.Compare(string(a.Type), string(b.Type)), cmp.Compare(a.Row, b.Row))
	})
	slices.SortFunc(res.Errors, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), strings.Compare(a.Reason, b.Reason))
	})
	res.Guard = judge(d.s.Guard, counts, d.active)
	res.Digest = PlanDigest(d.s.Instance, res.Events)
	return res, nil
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
func (d *Detector) appendOrphans(events []Event) ([]Event, error) {
	for i := range d.summaries {
		sum := &d.summaries[i]
		if d.seen[i] || priority(sum.SourcePriority) != d.prio || !sum.IsActive() || d.inFlight[sum.EmployeeID] {
			continue
		}
		p, err := d.loadProfile(int32(i))
		if err != nil {
			return nil, err
		}
		events = append(events, Event{
			Type:       SyncUser,
			EmployeeID: sum.EmployeeID,
			Email:      sum.Email,
			Details:    orphanDetails,
			Profile:    carry(p),
		})
	}
	return events, nil
}
