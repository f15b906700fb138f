package activedirectory

import (
	"sort"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

// Mapper fields with a meaning of their own; every other field is an LDAP attribute.
const (
	fieldSAM          = "samaccountname"
	fieldOU           = "ou"
	fieldCN           = "cn"
	fieldManagerEmail = "manageremail"
)

// userAccountControl values (MS-ADTS 2.2.16).
const (
	uacDisabled = 0x2
	uacNormal   = 0x200
)

// desired is what the mapper says the account should look like.
type desired struct {
	sam, ou, cn, managerEmail string
	// attrs are the LDAP attributes to write, by attribute name as the mapper spells it;
	// an empty value means the attribute should have no value.
	attrs map[string]string
}

// mapProfile runs the outgoing mapper over fields. Errors name the mapper and field.
func (t *Target) mapProfile(fields profile.Fields) (desired, error) {
	src := make(map[string]any, len(fields)+2)
	escaped := make(map[string]any, len(fields))
	for k, v := range fields {
		if v = strings.TrimSpace(v); v != "" {
			src[k] = v
			escaped[k] = rdnValue(v)
		}
	}
	src["basedn"] = t.cfg.BaseDN
	src["rdn"] = escaped
	out, err := t.cfg.Mapper.MapFields(src, mappers.Options{})
	if err != nil {
		return desired{}, &connectors.CodedError{Class: connectors.ErrInvalid, Message: err.Error()}
	}
	d := desired{attrs: map[string]string{}}
	for _, key := range t.cfg.Mapper.Fields() {
		v := out[key]
		switch strings.ToLower(key) {
		case fieldSAM:
			d.sam = v
			d.attrs["sAMAccountName"] = v
		case fieldOU:
			d.ou = v
		case fieldCN:
			d.cn = v
		case fieldManagerEmail:
			d.managerEmail = v
		default:
			d.attrs[key] = v
		}
	}
	missing := []string{}
	for k, v := range map[string]string{"sAMAccountName": d.sam, "ou": d.ou, "cn": d.cn} {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return desired{}, connectors.Invalid("mapper %q yields no %s", t.cfg.Mapper.Name, strings.Join(missing, ", "))
	}
	if _, err := ldap.ParseDN(d.ou); err != nil {
		return desired{}, connectors.Invalid("mapper %q: ou %q is not a DN: %v", t.cfg.Mapper.Name, d.ou, err)
	}
	return d, nil
}

// account is an existing AD user.
type account struct {
	entry *ldap.Entry
	uac   int
	// mapped are the attributes the mapper writes, which Get reports.
	mapped []string
}

func (a *account) dn() string          { return a.entry.DN }
func (a *account) disabled() bool      { return a.uac&uacDisabled != 0 }
func (a *account) get(k string) string { return a.entry.GetEqualFoldAttributeValue(k) }

// keys are the values an account may be found by, each tried in order: employeeID, then
// sAMAccountName, then mail, each current before old.
type keys struct{ sam, employeeID, mail []string }

// lookupKeys collects the current and old keys of p: the old ones come from mapping the
// profile with its old user data laid over it, so a rename or an email change still finds
// the account.
func (t *Target) lookupKeys(p profile.Profile, d desired) keys {
	k := keys{}
	add := func(list *[]string, v string) {
		if v = strings.TrimSpace(v); v == "" {
			return
		}
		for _, have := range *list {
			if strings.EqualFold(have, v) {
				return
			}
		}
		*list = append(*list, v)
	}
	add(&k.sam, d.sam)
	add(&k.employeeID, p.EmployeeID())
	add(&k.mail, p.Email())
	add(&k.mail, d.attrs["mail"])
	if len(p.OldUserData) > 0 {
		old := p.Fields.Clone()
		for f, v := range p.OldUserData {
			old[f] = v
		}
		if od, err := t.mapProfile(old); err == nil {
			add(&k.sam, od.sam)
			add(&k.mail, od.attrs["mail"])
		}
		add(&k.employeeID, p.OldUserData.Get(profile.EmployeeID))
		add(&k.mail, p.OldUserData.Get(profile.Email))
	}
	return k
}

// userFilter matches users having any of values in attr.
func userFilter(attr string, values []string) string {
	var b strings.Builder
	b.WriteString("(&(objectCategory=person)(objectClass=user)(|")
	for _, v := range values {
		b.WriteString(eq(attr, v))
	}
	b.WriteString("))")
	return b.String()
}

// find returns the account of p, or nil when there is none. Keys are tried one kind at a time,
// employeeID first, so an account found by its employee id wins over another that holds
// the same login or email. An account found by login or email may be someone else's: a
// write checks whose it is first (connectors.Contract.FindOwned).
//
// One search asks for every key at once, and the keys are tried in order over what it
// found: a round trip per operation rather than one per key (employeeID is not indexed in a
// stock AD schema, so each such search reads every user). Should more accounts match than the
// search returns, the keys are searched one by one instead.
func (t *Target) find(s conn, p profile.Profile, d desired) (*account, error) {
	k := t.lookupKeys(p, d)
	attrs := append([]string{"cn", "sAMAccountName", "mail", EmployeeIDAttribute, "userAccountControl", "manager", "memberOf"}, protectionAttrs...)
	for name := range d.attrs {
		attrs = append(attrs, name)
	}
	byKey := []struct {
		attr   string
		values []string
	}{{EmployeeIDAttribute, k.employeeID}, {"sAMAccountName", k.sam}, {"mail", k.mail}}
	var anyKey strings.Builder
	n := 0
	for _, by := range byKey {
		for _, v := range by.values {
			anyKey.WriteString(eq(by.attr, v))
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	// Two per key: enough to tell one account from two for every key.
	limit := 2 * n
	res, err := s.Search(ldap.NewSearchRequest(t.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		limit, 0, false, "(&(objectCategory=person)(objectClass=user)(|"+anyKey.String()+"))", attrs, nil))
	full := err == nil && len(res.Entries) < limit
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return nil, classify("search by "+EmployeeIDAttribute+", sAMAccountName and mail", err)
	}
	for _, by := range byKey {
		for _, v := range by.values {
			var found []*ldap.Entry
			if full {
				found = holding(res.Entries, by.attr, v)
			} else if found, err = t.search(s, by.attr, v, attrs); err != nil {
				return nil, err
			}
			if len(found) == 0 {
				continue
			}
			if len(found) > 1 {
				return nil, connectors.Invalid("more than one account has %s %q", by.attr, v)
			}
			e := found[0]
			uac, _ := strconv.Atoi(e.GetAttributeValue("userAccountControl"))
			return &account{entry: e, uac: uac, mapped: sortedKeys(d.attrs)}, nil
		}
	}
	return nil, nil
}

// search returns up to two users having value in attr.
func (t *Target) search(s conn, attr, value string, attrs []string) ([]*ldap.Entry, error) {
	res, err := s.Search(ldap.NewSearchRequest(t.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		2, 0, false, userFilter(attr, []string{value}), attrs, nil))
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return nil, classify("search by "+attr, err)
	}
	if res == nil {
		return nil, nil
	}
	return res.Entries, nil
}

// holding returns the entries having value in attr, compared as AD compares these
// attributes: without regard to case.
func holding(entries []*ldap.Entry, attr, value string) []*ldap.Entry {
	var out []*ldap.Entry
	for _, e := range entries {
		for _, v := range e.GetEqualFoldAttributeValues(attr) {
			if strings.EqualFold(v, value) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// managerDN resolves a manager's email to the DN of their account; "" when nobody has it.
func (t *Target) managerDN(s conn, email string) (string, error) {
	if email == "" {
		return "", nil
	}
	res, err := s.Search(ldap.NewSearchRequest(t.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		2, 0, false, userFilter("mail", []string{email}), []string{"dn"}, nil))
	if err != nil {
		return "", classify("search manager", err)
	}
	if len(res.Entries) != 1 {
		return "", nil
	}
	return res.Entries[0].DN, nil
}

// exists says whether an object with that DN exists.
func exists(s conn, dn string) (bool, error) {
	_, err := s.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		1, 0, false, "(objectClass=*)", []string{"dn"}, nil))
	switch {
	case err == nil:
		return true, nil
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
		return false, nil
	default:
		return false, classify("read "+dn, err)
	}
}

// result is the success result of op on a.
func (t *Target) result(op connectors.Operation, a *account) connectors.Result {
	return connectors.Result{
		Instance: t.cfg.Instance, Action: op, Success: true,
		Active: !a.disabled(), ID: a.dn(), Username: a.get("sAMAccountName"), Email: a.get("mail"),
	}
}

func (t *Target) fail(op connectors.Operation, err error) (connectors.Result, error) {
	return connectors.Failure(t.cfg.Instance, op, err), err
}

func (t *Target) skip(op connectors.Operation, reason string) (connectors.Result, error) {
	return connectors.Skip(t.cfg.Instance, op, reason), nil
}
