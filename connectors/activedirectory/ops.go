package activedirectory

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// Desired maps p: every mapped attribute, or when partial only those p's fields decide
// (connectors.Accounts).
func (s *session) Desired(p profile.Profile, partial bool) (desired, error) {
	return s.t.mapProfile(p, partial)
}

// FindAccount finds p's account by employeeID, sAMAccountName or mail (connectors.Accounts).
func (s *session) FindAccount(ctx context.Context, p profile.Profile) (*account, bool, error) {
	c, err := s.conn(ctx)
	if err != nil {
		return nil, false, err
	}
	a, err := s.t.find(c, p)
	return a, a != nil, err
}

// FindByName finds the account holding the sAMAccountName, mail or userPrincipalName p
// maps to (connectors.Accounts).
func (s *session) FindByName(ctx context.Context, p profile.Profile) (*account, bool, error) {
	c, err := s.conn(ctx)
	if err != nil {
		return nil, false, err
	}
	a, err := s.t.findByName(c, p)
	return a, a != nil, err
}

// AccountOwner reads the employee id a stores and whether it is protected, its nested
// groups included (connectors.Accounts).
func (s *session) AccountOwner(ctx context.Context, a *account) (connectors.Owner, error) {
	c, err := s.conn(ctx)
	if err != nil {
		return connectors.Owner{}, err
	}
	return s.t.owner(c, a)
}

// DescribeAccount reports a with its mapped attributes, CN, manager and groups.
func (s *session) DescribeAccount(a *account) connectors.Result {
	res := s.t.result(connectors.OpGet, a)
	details := map[string]any{}
	for _, name := range a.mapped {
		if v := a.get(name); v != "" {
			details[name] = v
		}
	}
	details["cn"] = a.get("cn")
	details["manager"] = a.get("manager")
	details["memberOf"] = a.entry.GetEqualFoldAttributeValues("memberOf")
	res.Details = details
	return res
}

// CreateAccount creates p's account from d, disabled (connectors.Accounts).
func (s *session) CreateAccount(ctx context.Context, _ profile.Profile, d desired, op connectors.Operation) (connectors.Result, error) {
	c, err := s.conn(ctx)
	if err != nil {
		return s.t.fail(op, err)
	}
	return s.t.create(c, d, op)
}

// UpdateAccount enables a when opts.AllowEnable, then writes the attributes that differ
// from d, then renames and moves a as d says (connectors.Accounts).
func (s *session) UpdateAccount(ctx context.Context, d desired, a *account, opts connectors.UpdateOptions) (connectors.Result, error) {
	c, err := s.conn(ctx)
	if err != nil {
		return s.t.fail(connectors.OpUpdate, err)
	}
	return s.t.update(c, d, a, opts)
}

// DisableAccount disables a (connectors.Accounts).
func (s *session) DisableAccount(ctx context.Context, a *account) (connectors.Result, error) {
	const op = connectors.OpDisable
	c, err := s.conn(ctx)
	if err != nil {
		return s.t.fail(op, err)
	}
	if err := s.t.setEnabled(c, a, false); err != nil {
		return s.t.fail(op, err)
	}
	return s.t.result(op, a), nil
}

// create adds the account d describes, disabled, taking the first free CN of cn, cn1 … cn29.
func (t *Target) create(s conn, d desired, op connectors.Operation) (connectors.Result, error) {
	manager, err := t.managerDN(s, d.managerEmail)
	if err != nil {
		return t.fail(op, err)
	}
	for n := 0; n <= maxCNSuffix; n++ {
		dn := userDN(cnCandidate(d.cn, n), d.ou)
		req := ldap.NewAddRequest(dn, nil)
		req.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		req.Attribute("userAccountControl", []string{strconv.Itoa(uacNormal | uacDisabled)})
		for _, name := range sortedKeys(d.attrs) {
			if v := d.attrs[name]; v != "" {
				req.Attribute(name, []string{v})
			}
		}
		if manager != "" {
			req.Attribute("manager", []string{manager})
		}
		err := s.Add(req)
		switch {
		case err == nil:
			a := &account{entry: ldap.NewEntry(dn, map[string][]string{
				"sAMAccountName": {d.sam}, "mail": {d.attrs["mail"]}}), uac: uacNormal | uacDisabled}
			return t.result(op, a), nil
		case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
			return t.fail(op, t.missingOU(d))
		case ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists):
			taken, xerr := exists(s, dn)
			if xerr != nil {
				return t.fail(op, xerr)
			}
			if !taken {
				// The DN is free, so something else is not unique (sAMAccountName, UPN).
				return t.fail(op, classify("create "+dn, err))
			}
		default:
			return t.fail(op, classify("create "+dn, err))
		}
	}
	return t.fail(op, &connectors.CodedError{Class: connectors.ErrAlreadyExists,
		Message: fmt.Sprintf("create: CN %q and %q … %q are all taken in %s", d.cn, cnCandidate(d.cn, 1), cnCandidate(d.cn, maxCNSuffix), d.ou)})
}

func (t *Target) update(s conn, d desired, a *account, opts connectors.UpdateOptions) (connectors.Result, error) {
	op := connectors.OpUpdate
	var changed []string
	if opts.AllowEnable && a.disabled() {
		if err := t.setEnabled(s, a, true); err != nil {
			return t.fail(op, err)
		}
		changed = append(changed, "userAccountControl")
	}
	mod := ldap.NewModifyRequest(a.ref(), nil)
	for _, name := range sortedKeys(d.attrs) {
		want, have := d.attrs[name], a.entry.GetEqualFoldAttributeValues(name)
		switch {
		case want == "" && len(have) > 0:
			mod.Delete(name, nil)
		case want != "" && (len(have) != 1 || have[0] != want):
			mod.Replace(name, []string{want})
		default:
			continue
		}
		changed = append(changed, name)
	}
	if d.setManager {
		manager, err := t.managerDN(s, d.managerEmail)
		if err != nil {
			return t.fail(op, err)
		}
		// HR dropped the manager: clear it. A manager email nobody has yet (not provisioned
		// yet) leaves the current one.
		switch have := a.get("manager"); {
		case manager != "" && !sameDN(have, manager):
			mod.Replace("manager", []string{manager})
			changed = append(changed, "manager")
		case d.managerEmail == "" && have != "":
			mod.Delete("manager", nil)
			changed = append(changed, "manager")
		}
	}
	if len(mod.Changes) > 0 {
		if err := s.Modify(mod); err != nil {
			return t.fail(op, classify("update "+a.dn(), err))
		}
	}
	dn, err := t.moveRename(s, d, a)
	if err != nil {
		return t.fail(op, err)
	}
	if dn != a.dn() {
		changed = append(changed, "dn")
		a.entry.DN = dn
	}
	res := t.result(op, a)
	if v, ok := d.attrs["sAMAccountName"]; ok {
		res.Username = v
	}
	if v, ok := d.attrs["mail"]; ok {
		res.Email = v
	}
	if len(changed) == 0 {
		res.Details = map[string]any{"changed": []string{}}
	} else {
		res.Details = map[string]any{"changed": changed}
	}
	return res, nil
}

// moveRename renames the account when the mapped CN changed and moves it when the mapped
// OU did, returning its DN afterwards. A CN or OU the mapping left out stays as it is.
func (t *Target) moveRename(s conn, d desired, a *account) (string, error) {
	parent, err := parentDN(a.dn())
	if err != nil {
		return "", classify("parse "+a.dn(), err)
	}
	if d.ou == "" {
		d.ou = parent
	}
	if d.cn == "" {
		d.cn = a.get("cn")
	}
	rename := !sameCN(a.get("cn"), d.cn)
	move := !sameDN(parent, d.ou)
	if !rename && !move {
		return a.dn(), nil
	}
	newSup := ""
	if move {
		newSup = d.ou
	}
	cn := a.get("cn")
	for n := 0; n <= maxCNSuffix; n++ {
		if rename {
			cn = cnCandidate(d.cn, n)
		}
		rdn := "CN=" + rdnValue(cn)
		err := s.ModifyDN(ldap.NewModifyDNRequest(a.dn(), rdn, true, newSup))
		switch {
		case err == nil:
			return userDN(cn, d.ou), nil
		case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) && move:
			return "", t.missingOU(d)
		case ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists) && (rename || n == 0):
			if !rename {
				// Moving under the same CN collides: take a numbered CN there.
				rename = true
				cn = d.cn
			}
			continue
		default:
			return "", classify("rename "+a.dn()+" to "+userDN(cn, d.ou), err)
		}
	}
	return "", &connectors.CodedError{Class: connectors.ErrAlreadyExists,
		Message: fmt.Sprintf("rename: CN %q and its numbered variants are all taken in %s", d.cn, d.ou)}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return strings.ToLower(keys[i]) < strings.ToLower(keys[j]) })
	return keys
}

// missingOU is the final error of an account whose mapped OU does not exist.
func (t *Target) missingOU(d desired) error {
	return &connectors.CodedError{Class: connectors.ErrInvalid, Code: "LDAP 32",
		Message: fmt.Sprintf("the OU %q computed by mapper %q does not exist", d.ou, t.cfg.Mapper.Name)}
}
