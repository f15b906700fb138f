package activedirectory

import (
	"context"
	"strconv"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// ReasonAlreadyEnabled is why Enable leaves an enabled account alone.
const ReasonAlreadyEnabled = "User is already enabled"

// Enable enables p's account and takes it out of the disabled-users group. An enabled account
// is skipped; a missing one is an ErrNotFound. Like a write of the contract, it acts only on
// the account bound to p (connectors.Contract.FindOwned).
func (t *Target) Enable(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	const op = connectors.OpEnable
	if !t.cfg.Operations.Enable {
		return t.skip(op, connectors.ReasonTurnedOff(op))
	}
	return t.onDisabledAccount(ctx, op, p, ReasonAlreadyEnabled, func(s *session, a *account) (connectors.Result, error) {
		if err := t.setEnabled(s.c, a, true); err != nil {
			return t.fail(op, err)
		}
		return t.result(op, a), nil
	})
}

// onDisabledAccount runs act on p's disabled account, found and bound to p as a write of the
// contract is (connectors.Contract.FindOwned): a missing account is an ErrNotFound, an
// enabled one is skipped with enabledReason.
func (t *Target) onDisabledAccount(ctx context.Context, op connectors.Operation, p profile.Profile, enabledReason string,
	act func(*session, *account) (connectors.Result, error)) (connectors.Result, error) {
	return t.run(func(c contract, s *session) (connectors.Result, error) {
		a, ok, err := c.FindOwned(ctx, op, p)
		switch {
		case err != nil:
			return t.fail(op, err)
		case !ok:
			return t.fail(op, errNoAccount)
		case !a.disabled():
			res := t.result(op, a)
			res.Skipped, res.Reason = true, enabledReason
			return res, nil
		}
		return act(s, a)
	})
}

// Activate sets p's temporary password, calls deliver, then enables the account, finding it
// once (connectors.OneLookupActivator): the SetPassword, then the Enable, of the same account.
// The connection goes back to the pool while deliver runs, so that a slow mail server holds
// none; the enable takes one again.
func (t *Target) Activate(ctx context.Context, p profile.Profile, password string,
	deliver func(context.Context, connectors.Result) error) (connectors.Result, error) {
	const op = connectors.OpSetPassword
	if err := t.passwordSettable(password); err != nil {
		return t.fail(op, err)
	}
	return t.onDisabledAccount(ctx, op, p, connectors.ReasonEnabledNoReset, func(s *session, a *account) (connectors.Result, error) {
		set, err := t.setPassword(s.c, a, password)
		if err != nil {
			return set, err
		}
		s.close()
		if err := deliver(ctx, set); err != nil {
			return connectors.Result{}, err
		}
		if !t.cfg.Operations.Enable {
			return t.skip(connectors.OpEnable, connectors.ReasonTurnedOff(connectors.OpEnable))
		}
		c, err := s.conn(ctx)
		if err != nil {
			return t.fail(connectors.OpEnable, err)
		}
		if err := t.setEnabled(c, a, true); err != nil {
			return t.fail(connectors.OpEnable, err)
		}
		return t.result(connectors.OpEnable, a), nil
	})
}

// setEnabled flips the disabled bit and keeps the disabled-users group in step.
func (t *Target) setEnabled(s conn, a *account, enabled bool) error {
	uac := a.uac | uacDisabled
	if enabled {
		uac = a.uac &^ uacDisabled
	}
	if uac&uacNormal == 0 {
		uac |= uacNormal
	}
	mod := ldap.NewModifyRequest(a.ref(), nil)
	mod.Replace("userAccountControl", []string{strconv.Itoa(uac)})
	if err := s.Modify(mod); err != nil {
		return classify("set userAccountControl of "+a.dn(), err)
	}
	a.uac = uac
	if t.cfg.DisabledUsersGroup == "" {
		return nil
	}
	group := ldap.NewModifyRequest(t.cfg.DisabledUsersGroup, nil)
	if enabled {
		group.Delete("member", []string{a.dn()})
	} else {
		group.Add("member", []string{a.dn()})
	}
	// Already a member (20) or already not one (16): nothing to do. AD answers 53 to some
	// removals of a member that is not one.
	err := s.Modify(group)
	if err == nil || ldap.IsErrorAnyOf(err, ldap.LDAPResultAttributeOrValueExists, ldap.LDAPResultNoSuchAttribute) ||
		(enabled && ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform)) {
		return nil
	}
	return classify("update group "+t.cfg.DisabledUsersGroup, err)
}

// SetPassword sets p's temporary password over LDAPS, and pwdLastSet=0 so the person must
// change it at first logon. An enabled account is skipped: its password is the person's. A
// password the domain policy refuses is an ErrInvalid saying so; the password is never part
// of an error. Like a write of the contract, it acts only on the account bound to p.
func (t *Target) SetPassword(ctx context.Context, p profile.Profile, password string) (connectors.Result, error) {
	const op = connectors.OpSetPassword
	if err := t.passwordSettable(password); err != nil {
		return t.fail(op, err)
	}
	return t.onDisabledAccount(ctx, op, p, connectors.ReasonEnabledNoReset, func(s *session, a *account) (connectors.Result, error) {
		return t.setPassword(s.c, a, password)
	})
}

// passwordSettable refuses a password this instance cannot set: over plain LDAP, or empty.
func (t *Target) passwordSettable(password string) error {
	if !t.ldaps() {
		return connectors.Invalid("passwords are set over LDAPS only, and %s is not ldaps://", t.cfg.URL)
	}
	if password == "" {
		return connectors.Invalid("set password: the password is empty")
	}
	return nil
}

// setPassword writes a's password, then pwdLastSet=0.
func (t *Target) setPassword(s conn, a *account, password string) (connectors.Result, error) {
	const op = connectors.OpSetPassword
	mod := ldap.NewModifyRequest(a.ref(), nil)
	mod.Replace("unicodePwd", []string{unicodePwd(password)})
	if err := s.Modify(mod); err != nil {
		if perr := policyError(err); perr != nil {
			return t.fail(op, perr)
		}
		return t.fail(op, classify("set password of "+a.dn(), err, password))
	}
	// A separate request: AD sets pwdLastSet itself when the password changes.
	mustChange := ldap.NewModifyRequest(a.ref(), nil)
	mustChange.Replace("pwdLastSet", []string{"0"})
	if err := s.Modify(mustChange); err != nil {
		return t.fail(op, classify("require a password change at first logon of "+a.dn(), err))
	}
	return t.result(op, a), nil
}
