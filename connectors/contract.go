package connectors

import (
	"context"
	"errors"

	"github.com/ilm-dev/ilm/profile"
)

// Skip reasons of the contract, in XSOAR's words.
const (
	ReasonNoAccount       = "User does not exist"
	ReasonAlreadyDisabled = "User is already disabled"
)

// ReasonTurnedOff is why an operation the instance does not allow is skipped.
func ReasonTurnedOff(op Operation) string { return string(op) + " is turned off for this instance" }

// Accounts is what a connector knows of one system's accounts: D is what its mapper makes
// of a profile, A an account as it reads one. Contract builds the IAM contract on it.
type Accounts[D, A any] interface {
	// Desired maps p for a write: every mapped field, or, when partial, only those the
	// fields p gives decide (Mapping.Given), so that the others are left alone.
	Desired(p profile.Profile, partial bool) (D, error)
	// FindAccount finds p's account by the keys accounts are found by (employee id, login,
	// email, and their old values), mapping only those: a lookup needs nothing else of p.
	// found is false when there is none.
	FindAccount(ctx context.Context, p profile.Profile) (a A, found bool, err error)
	// FindByName finds an account holding one of the names p maps to (login, user name,
	// sAMAccountName, mail), mapping only those, for the unique-name check: unlike
	// FindAccount, never by the old values of a renamed person, nor first by employee id,
	// which would find the person's own account under another name. found is false when no
	// account holds them.
	FindByName(ctx context.Context, p profile.Profile) (a A, found bool, err error)
	// CreateAccount creates p's account from d. op is the operation the result reports.
	CreateAccount(ctx context.Context, p profile.Profile, d D, op Operation) (Result, error)
	// UpdateAccount brings a in line with d, enabling it first when opts.AllowEnable.
	UpdateAccount(ctx context.Context, d D, a A, opts UpdateOptions) (Result, error)
	// DisableAccount disables a, which is active.
	DisableAccount(ctx context.Context, a A) (Result, error)
	// DescribeAccount is a's result as Get reports it (ID, Username, Email, Active, Details).
	DescribeAccount(a A) Result
	// AccountOwner is what a says about whose it is: the employee id it stores, and why it
	// is protected, if it is. It may have to ask the system (Active Directory reads the
	// account's nested groups), hence ctx and the error.
	AccountOwner(ctx context.Context, a A) (Owner, error)
}

// Contract is the IAM contract of SPEC §1 over Accounts, written once for every connector
// whose accounts are found by a lookup: an operation switched off is skipped; a create of
// an existing account (found before, or refused as taken) updates it; an update of a missing one creates it with
// CreateIfNotExists (the option or the instance's) and is skipped otherwise; enabling
// happens only when the instance may enable; a disable of a missing or disabled account is
// skipped. Every write first checks that the account found is the person's (Binding.Check):
// a lookup by login or email can find someone else's account, or an administrator's.
type Contract[D, A any] struct {
	Instance          string
	Operations        Operations
	CreateIfNotExists bool
	Binding           Binding
	Accounts          Accounts[D, A]
}

func (c Contract[D, A]) off(op Operation) (Result, error) {
	return Skip(c.Instance, op, ReasonTurnedOff(op)), nil
}

func (c Contract[D, A]) fail(op Operation, err error) (Result, error) {
	return Failure(c.Instance, op, err), err
}

// create creates p's account from d, a full mapping. A create the system refuses while the account now exists
// (created since the lookup, or under a name differing only in case: a 409, Okta's "already
// exists", ServiceNow's unique index) converges on it with an update; an unavailable system
// is not asked again.
func (c Contract[D, A]) create(ctx context.Context, p profile.Profile, d D, op Operation) (Result, error) {
	res, err := c.Accounts.CreateAccount(ctx, p, d, op)
	if err == nil || errors.Is(err, ErrUnavailable) {
		return res, err
	}
	a, ok, ferr := c.FindOwned(ctx, op, p)
	if ferr != nil {
		return c.fail(op, ferr)
	}
	if !ok {
		return res, err
	}
	res, err = c.Accounts.UpdateAccount(ctx, d, a, UpdateOptions{})
	res.Action = op
	return res, err
}

// FindOwned finds p's account for a write: p must have an employee id, and an account found
// must be bound to it (Binding.Check). Every write of the contract starts with it, and so do
// a connector's own writes outside it (Active Directory's Enable and SetPassword), so that
// the binding rule is the same for all.
func (c Contract[D, A]) FindOwned(ctx context.Context, op Operation, p profile.Profile) (a A, ok bool, err error) {
	if err = RequireEmployeeID(op, p); err != nil {
		return a, false, err
	}
	if a, ok, err = c.Accounts.FindAccount(ctx, p); err != nil || !ok {
		return a, ok, err
	}
	o, err := c.Accounts.AccountOwner(ctx, a)
	if err != nil {
		return a, ok, err
	}
	return a, ok, c.Binding.Check(p, o)
}

// prepare maps p for a write, then finds its account as FindOwned does. A profile without
// an employee id, or one the mapper refuses, fails before the system is asked.
func (c Contract[D, A]) prepare(ctx context.Context, op Operation, p profile.Profile, partial bool) (d D, a A, ok bool, err error) {
	if err = RequireEmployeeID(op, p); err != nil {
		return d, a, false, err
	}
	if d, err = c.Accounts.Desired(p, partial); err != nil {
		return d, a, false, err
	}
	a, ok, err = c.FindOwned(ctx, op, p)
	return d, a, ok, err
}

// Get returns p's account; a missing one is skipped.
func (c Contract[D, A]) Get(ctx context.Context, p profile.Profile) (Result, error) {
	a, ok, err := c.Accounts.FindAccount(ctx, p)
	if err != nil {
		return c.fail(OpGet, err)
	}
	if !ok {
		return Skip(c.Instance, OpGet, ReasonNoAccount), nil
	}
	res := c.Accounts.DescribeAccount(a)
	res.Instance, res.Action, res.Success = c.Instance, OpGet, true
	return res, nil
}

// Create creates p's account; an existing one is updated instead.
func (c Contract[D, A]) Create(ctx context.Context, p profile.Profile) (Result, error) {
	if !c.Operations.Create {
		return c.off(OpCreate)
	}
	d, a, ok, err := c.prepare(ctx, OpCreate, p, false)
	if err != nil {
		return c.fail(OpCreate, err)
	}
	if ok {
		res, err := c.Accounts.UpdateAccount(ctx, d, a, UpdateOptions{})
		res.Action = OpCreate
		return res, err
	}
	return c.create(ctx, p, d, OpCreate)
}

// Update brings p's account in line with the mapper: every mapped attribute, or with
// opts.Partial only those the fields p gives decide. A missing account is created from
// the whole profile.
func (c Contract[D, A]) Update(ctx context.Context, p profile.Profile, opts UpdateOptions) (Result, error) {
	if !c.Operations.Update {
		return c.off(OpUpdate)
	}
	d, a, ok, err := c.prepare(ctx, OpUpdate, p, opts.Partial)
	if err != nil {
		return c.fail(OpUpdate, err)
	}
	if !ok {
		if (opts.CreateIfNotExists || c.CreateIfNotExists) && c.Operations.Create {
			if opts.Partial {
				if d, err = c.Accounts.Desired(p, false); err != nil {
					return c.fail(OpUpdate, err)
				}
			}
			return c.create(ctx, p, d, OpUpdate)
		}
		return Skip(c.Instance, OpUpdate, ReasonNoAccount), nil
	}
	opts.AllowEnable = opts.AllowEnable && c.Operations.Enable
	return c.Accounts.UpdateAccount(ctx, d, a, opts)
}

// Disable disables p's account; a missing or disabled one is skipped. It needs only the
// keys the account is found by.
func (c Contract[D, A]) Disable(ctx context.Context, p profile.Profile) (Result, error) {
	if !c.Operations.Disable {
		return c.off(OpDisable)
	}
	a, ok, err := c.FindOwned(ctx, OpDisable, p)
	if err != nil {
		return c.fail(OpDisable, err)
	}
	if !ok {
		return Skip(c.Instance, OpDisable, ReasonNoAccount), nil
	}
	if desc := c.Accounts.DescribeAccount(a); !desc.Active {
		res := Skip(c.Instance, OpDisable, ReasonAlreadyDisabled)
		res.ID, res.Username, res.Email = desc.ID, desc.Username, desc.Email
		return res, nil
	}
	return c.Accounts.DisableAccount(ctx, a)
}

// NameHolder says whether the names p maps to (p.AccountName through the mapper: login,
// sAMAccountName, mail, …) are taken on the instance, for provisioning.unique_names: it
// returns the account holding them, named for messages, or "" when none does. An account
// that stores p's employee id is p's own and does not count; one that stores another id,
// none (an account ILM never made, such as one created by hand), or is protected does,
// whatever adopt_unlinked_accounts says: a new name must be new.
func (c Contract[D, A]) NameHolder(ctx context.Context, p profile.Profile) (string, error) {
	if err := RequireEmployeeID(OpCreate, p); err != nil {
		return "", err
	}
	a, found, err := c.Accounts.FindByName(ctx, p)
	if err != nil || !found {
		return "", err
	}
	o, err := c.Accounts.AccountOwner(ctx, a)
	if err != nil {
		return "", err
	}
	if (Binding{}).Check(p, o) == nil {
		return "", nil
	}
	return o.Account, nil
}
