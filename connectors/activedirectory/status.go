package activedirectory

import (
	"context"
	"strconv"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// Disable disables p's account (and adds it to the disabled-users group when configured).
// A missing or already disabled account is skipped.
func (t *Target) Disable(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	return t.switchAccount(ctx, p, false)
}

// Enable enables p's account (and takes it out of the disabled-users group). An enabled
// account is skipped; a missing one is an ErrNotFound.
func (t *Target) Enable(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	return t.switchAccount(ctx, p, true)
}

// switchAccount enables or disables p's account, as Enable and Disable say.
func (t *Target) switchAccount(ctx context.Context, p profile.Profile, enable bool) (connectors.Result, error) {
	op, allowed, already := connectors.OpDisable, t.cfg.Operations.Disable, "User is already disabled"
	if enable {
		op, allowed, already = connectors.OpEnable, t.cfg.Operations.Enable, "User is already enabled"
	}
	if !allowed {
		return t.skip(op, opDisabled(string(op)))
	}
	s, _, a, err := t.prepareWrite(ctx, op, p)
	if err != nil {
		return t.fail(op, err)
	}
	defer s.close()
	switch {
	case a == nil && enable:
		return t.fail(op, errNoAccount)
	case a == nil:
		return t.skip(op, errNoAccount.Message)
	case a.disabled() != enable:
		res := connectors.Skip(t.cfg.Instance, op, already)
		res.Active, res.ID, res.Username, res.Email = enable, a.dn(), a.get("sAMAccountName"), a.get("mail")
		return res, nil
	}
	if err := t.setEnabled(s, a, enable); err != nil {
		return t.fail(op, err)
	}
	return t.result(op, a), nil
}

// setEnabled flips the disabled bit and keeps the disabled-users group in step.
func (t *Target) setEnabled(s *session, a *account, enabled bool) error {
	uac := a.uac | uacDisabled
	if enabled {
		uac = a.uac &^ uacDisabled
	}
	if uac&uacNormal == 0 {
		uac |= uacNormal
	}
	mod := ldap.NewModifyRequest(a.dn(), nil)
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
	err := s.Modify(group)
	if err == nil || ldap.IsErrorWithCode(err, ldap.LDAPResultAttributeOrValueExists) ||
		ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchAttribute) ||
		(enabled && ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform)) {
		return nil
	}
	return classify("update group "+t.cfg.DisabledUsersGroup, err)
}

// SetPassword sets p's temporary password over LDAPS, and pwdLastSet=0 so the person must
// change it at first logon. An enabled account is skipped: its password is the person's. A password the domain policy refuses is an ErrInvalid saying so;
// the password is never part of an error.
func (t *Target) SetPassword(ctx context.Context, p profile.Profile, password string) (connectors.Result, error) {
	const op = connectors.OpSetPassword
	if !t.ldaps() {
		return t.fail(op, connectors.Invalid("passwords are set over LDAPS only, and %s is not ldaps://", t.cfg.URL))
	}
	if password == "" {
		return t.fail(op, connectors.Invalid("set password: the password is empty"))
	}
	s, _, a, err := t.prepareWrite(ctx, op, p)
	if err != nil {
		return t.fail(op, err)
	}
	defer s.close()
	if a == nil {
		return t.fail(op, errNoAccount)
	}
	if !a.disabled() {
		res := t.result(op, a)
		res.Skipped, res.Reason = true, connectors.ReasonEnabledNoReset
		return res, nil
	}
	mod := ldap.NewModifyRequest(a.dn(), nil)
	mod.Replace("unicodePwd", []string{unicodePwd(password)})
	if err := s.Modify(mod); err != nil {
		if perr := policyError(err); perr != nil {
			return t.fail(op, perr)
		}
		return t.fail(op, classify("set password of "+a.dn(), err, password, unicodePwd(password)))
	}
	// A separate request: AD sets pwdLastSet itself when the password changes.
	mustChange := ldap.NewModifyRequest(a.dn(), nil)
	mustChange.Replace("pwdLastSet", []string{"0"})
	if err := s.Modify(mustChange); err != nil {
		return t.fail(op, classify("require a password change at first logon of "+a.dn(), err))
	}
	return t.result(op, a), nil
}
