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

// prepare maps p, connects and finds p's account (nil when there is none).
func (t *Target) prepare(ctx context.Context, p profile.Profile) (*session, desired, *account, error) {
	d, err := t.mapProfile(p.Fields)
	if err != nil {
		return nil, d, nil, err
	}
	s, err := t.connect(ctx)
	if err != nil {
		return nil, d, nil, err
	}
	a, err := t.find(s, p, d)
	if isNoAccount(err) {
		return s, d, nil, nil
	}
	if err != nil {
		s.close()
		return nil, d, nil, err
	}
	return s, d, a, nil
}

// prepareWrite is prepare for an operation that writes the account: p must have an employee
// id, and an account found must be bound to p and not protected (connectors.Binding.Check).
func (t *Target) prepareWrite(ctx context.Context, op connectors.Operation, p profile.Profile) (*session, desired, *account, error) {
	if err := connectors.RequireEmployeeID(op, p); err != nil {
		return nil, desired{}, nil, err
	}
	s, d, a, err := t.prepare(ctx, p)
	if err != nil || a == nil {
		return s, d, a, err
	}
	o, err := t.owner(s, a)
	if err == nil {
		err = t.cfg.Binding.Check(p, o)
	}
	if err != nil {
		s.close()
		return nil, d, nil, err
	}
	return s, d, a, nil
}

// Get returns p's account; a missing account is skipped with reason "User does not exist".
func (t *Target) Get(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	s, d, a, err := t.prepare(ctx, p)
	if err != nil {
		return t.fail(connectors.OpGet, err)
	}
	defer s.close()
	if a == nil {
		return t.skip(connectors.OpGet, errNoAccount.Message)
	}
	res := t.result(connectors.OpGet, a)
	details := map[string]any{}
	for name := range d.attrs {
		if v := a.get(name); v != "" {
			details[name] = v
		}
	}
	details["cn"] = a.get("cn")
	details["manager"] = a.get("manager")
	details["memberOf"] = a.entry.GetEqualFoldAttributeValues("memberOf")
	res.Details = details
	return res, nil
}

// Create creates p's account, disabled, in the OU the mapper computes; an existing account
// is updated instead.
func (t *Target) Create(ctx context.Context, p profile.Profile) (connectors.Result, error) {
	if !t.cfg.Operations.Create {
		return t.skip(connectors.OpCreate, opDisabled("create"))
	}
	s, d, a, err := t.prepareWrite(ctx, connectors.OpCreate, p)
	if err != nil {
		return t.fail(connectors.OpCreate, err)
	}
	defer s.close()
	if a != nil {
		res, err := t.update(s, d, a, connectors.UpdateOptions{})
		res.Action = connectors.OpCreate
		return res, err
	}
	return t.create(s, d, connectors.OpCreate)
}

func (t *Target) create(s *session, d desired, op connectors.Operation) (connectors.Result, error) {
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

// Update brings p's account in line with the mapper: changed attributes, then CN and OU.
func (t *Target) Update(ctx context.Context, p profile.Profile, opts connectors.UpdateOptions) (connectors.Result, error) {
	if !t.cfg.Operations.Update {
		return t.skip(connectors.OpUpdate, opDisabled("update"))
	}
	s, d, a, err := t.prepareWrite(ctx, connectors.OpUpdate, p)
	if err != nil {
		return t.fail(connectors.OpUpdate, err)
	}
	defer s.close()
	if a == nil {
		if (opts.CreateIfNotExists || t.cfg.CreateIfNotExists) && t.cfg.Operations.Create {
			return t.create(s, d, connectors.OpUpdate)
		}
		return t.skip(connectors.OpUpdate, errNoAccount.Message)
	}
	return t.update(s, d, a, opts)
}

func (t *Target) update(s *session, d desired, a *account, opts connectors.UpdateOptions) (connectors.Result, error) {
	op := connectors.OpUpdate
	var changed []string
	if opts.AllowEnable && a.disabled() && t.cfg.Operations.Enable {
		if err := t.setEnabled(s, a, true); err != nil {
			return t.fail(op, err)
		}
		changed = append(changed, "userAccountControl")
	}
	mod := ldap.NewModifyRequest(a.dn(), nil)
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
	res.Username, res.Email = d.sam, d.attrs["mail"]
	if len(changed) == 0 {
		res.Details = map[string]any{"changed": []string{}}
	} else {
		res.Details = map[string]any{"changed": changed}
	}
	return res, nil
}

// moveRename renames the account when the mapped CN changed and moves it when the mapped
// OU did, returning its DN afterwards.
func (t *Target) moveRename(s *session, d desired, a *account) (string, error) {
	parent, err := parentDN(a.dn())
	if err != nil {
		return "", classify("parse "+a.dn(), err)
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
