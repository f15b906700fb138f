package connectors

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

// ErrNotOwned: an account was found by a name, login or email, but nothing binds it to the
// person (it stores another employee id, stores none, or is protected). Acting on it could
// hand one person's — or an administrator's — account to another, so it is final: the
// incident goes to review.
var ErrNotOwned = errors.New("account not bound to the person")

// Owner is what an account says about whose it is.
type Owner struct {
	// Account names the account in messages: a DN, a login, a user name.
	Account string
	// EmployeeID is the employee id the account stores; "" when it stores none.
	EmployeeID string
	// Protected, when set, says why ILM must never change the account (an administrator, a
	// built-in account, an account outside the instance's scope).
	Protected string
}

// Binding is an instance's rule for accounts that store no employee id yet.
type Binding struct {
	// AdoptUnlinked lets a write adopt an account found by name, login or email that stores
	// no employee id (adopt_unlinked_accounts): the write then stores the person's id on it.
	AdoptUnlinked bool
}

// RequireEmployeeID refuses an operation that would write an account for a profile without
// an employee id: nothing could bind the account to the person afterwards.
func RequireEmployeeID(op Operation, p profile.Profile) error {
	if p.EmployeeID() == "" {
		return Invalid("%s: the profile has no employee id; ILM binds every account it writes to one", op)
	}
	return nil
}

// Check says whether an account found for p is p's to write (SPEC §1, safety rules): it is
// when it stores p's employee id; an account that stores none is adopted only when the
// instance opts in; a protected account, or one storing another person's id, never is.
// The error names the account and says what to do.
func (b Binding) Check(p profile.Profile, o Owner) error {
	if o.Protected != "" {
		return notOwned("%s is protected (%s): ILM never changes it; handle it by hand", o.Account, o.Protected)
	}
	switch id := strings.TrimSpace(o.EmployeeID); {
	case id != "" && strings.EqualFold(id, p.EmployeeID()):
		return nil
	case id != "":
		return notOwned("%s belongs to employee %s, not %s", o.Account, id, p.EmployeeID())
	case !b.AdoptUnlinked:
		return notOwned("%s stores no employee id, so nothing binds it to employee %s; link it by hand or set adopt_unlinked_accounts: true on the instance", o.Account, p.EmployeeID())
	}
	return nil
}

func notOwned(format string, args ...any) error {
	return &CodedError{Class: ErrNotOwned, Message: fmt.Sprintf(format, args...)}
}

// RequireBindingField refuses an outgoing mapper that does not write the field accounts are
// bound by: every account ILM created through it would be unlinked, and every later write
// refused.
func RequireBindingField(m *mappers.Mapper, field string) error {
	if m == nil || slices.ContainsFunc(m.Fields(), func(f string) bool { return strings.EqualFold(f, field) }) {
		return nil
	}
	return fmt.Errorf("mapper %s has no %s field: ILM binds accounts to people by the employee id stored there", m.Name, field)
}
