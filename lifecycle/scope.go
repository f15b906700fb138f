package lifecycle

import (
	"fmt"
	"strings"

	"github.com/ilm-dev/ilm/profile"
)

// Condition is a target's scope: which people get an account there. mappers.Condition is
// the one the config compiles.
type Condition interface {
	// Eval says whether a profile's fields are in scope. A field the condition reads that
	// the profile lacks is an error, never a false.
	Eval(fields profile.Fields) (bool, error)
	// String is the condition as written, for messages.
	String() string
}

// TargetScope is one provisioning target's scope (its `scope` and `on_scope_exit` keys).
type TargetScope struct {
	Instance  string
	Condition Condition
	// DisableOnExit disables the account of a person who leaves the scope; otherwise it is
	// left as it is (and no longer written).
	DisableOnExit bool
	// ActiveDirectory marks an Active Directory target: an account created there on entering
	// the scope waits, disabled, for AD Activation.
	ActiveDirectory bool
}

// ScopeMove is what an event does on one scoped target whose scope the person is not simply
// in.
type ScopeMove string

// Scope moves.
const (
	// ScopeOut: the person is out of scope; the incident leaves the target out.
	ScopeOut ScopeMove = "out"
	// ScopeEnter: an update moved the person into scope; the account is created there (or
	// enabled), as a new hire's would be.
	ScopeEnter ScopeMove = "enter"
	// ScopeExitDisable: an update moved the person out of scope; their account there is
	// disabled (on_scope_exit: disable). An access removal for the guard.
	ScopeExitDisable ScopeMove = "exit-disable"
	// ScopeExitKeep: an update moved the person out of scope; their account there is left
	// as it is (on_scope_exit: keep).
	ScopeExitKeep ScopeMove = "exit-keep"
)

// ScopeStep is the move of one event on one scoped target.
type ScopeStep struct {
	Instance string    `json:"instance"`
	Move     ScopeMove `json:"move"`
	// Scope is the target's condition as written.
	Scope string `json:"scope"`
}

// scoped says whether the targets' scopes apply to an event of type t. A termination
// disables in every disable target whatever the scope: a scope decides who gets an account,
// never who keeps one after leaving. Reviews call no target on their own.
func scoped(t EventType) bool {
	switch t {
	case NewHire, UpdateUser, RehireUser, ADActivation, ADDeactivation:
		return true
	}
	return false
}

// applyScopes evaluates the targets' scopes on the profile the event would store and, for an
// update, on the stored fields (old) too, and records the event's scope steps: a target out of
// scope, entered or left. An evaluation error (a field the scope reads is missing, say)
// refuses the whole event: nothing is started for the person, so a malformed profile never
// disables anything.
func (d *Detector) applyScopes(ev *Event, old profile.Fields) *RowError {
	if len(d.s.Scopes) == 0 || !scoped(ev.Type) {
		return nil
	}
	var steps []ScopeStep
	var moves []string
	for _, sc := range d.s.Scopes {
		in, err := sc.Condition.Eval(ev.Profile.Fields)
		if err != nil {
			return &RowError{
				Row: ev.Row, EmployeeID: ev.EmployeeID, Email: ev.Email,
				Reason: fmt.Sprintf("scope of instance %q: %v; nothing is done for this person until it evaluates", sc.Instance, err),
			}
		}
		move := ScopeOut
		if ev.Type == UpdateUser {
			// A stored profile the scope cannot read (it lacked a field) counts as out of
			// scope before: never as in, so its failure disables nothing; entering
			// converges on an account that exists.
			was, err := sc.Condition.Eval(old)
			wasIn := err == nil && was
			switch {
			case in && !wasIn:
				move = ScopeEnter
			case in:
				continue
			case wasIn && sc.DisableOnExit:
				move = ScopeExitDisable
			case wasIn:
				move = ScopeExitKeep
			}
		} else if in {
			continue
		}
		if move == ScopeEnter && sc.ActiveDirectory && ev.Profile.ADStatus == profile.ADEnabled {
			// The account is created disabled; AD Activation sets its password and enables it.
			ev.Profile.ADStatus = profile.ADPending
		}
		steps = append(steps, ScopeStep{Instance: sc.Instance, Move: move, Scope: sc.Condition.String()})
		if move != ScopeOut {
			moves = append(moves, describeMove(sc.Instance, move))
		}
	}
	ev.Scope = steps
	if len(moves) > 0 {
		ev.Details += "\n" + strings.Join(moves, "\n")
	}
	return nil
}

// describeMove words a scope move for an event's details.
func describeMove(instance string, m ScopeMove) string {
	switch m {
	case ScopeEnter:
		return fmt.Sprintf("enters the scope of %s: account created there", instance)
	case ScopeExitDisable:
		return fmt.Sprintf("leaves the scope of %s: account disabled there", instance)
	default:
		return fmt.Sprintf("leaves the scope of %s: account kept as it is (on_scope_exit: keep)", instance)
	}
}

// hasMove says whether the event makes move m on some target.
func (ev *Event) hasMove(m ScopeMove) bool {
	for _, s := range ev.Scope {
		if s.Move == m {
			return true
		}
	}
	return false
}
