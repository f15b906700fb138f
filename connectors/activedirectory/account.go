package activedirectory

import (
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
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

// desired is what the mapper says the account should look like. A partial mapping leaves
// out what the profile does not decide: sam, ou and cn are then "" (keep), setManager false.
type desired struct {
	sam, ou, cn, managerEmail string
	// setManager says whether the manager is decided; managerEmail "" then clears it.
	setManager bool
	// attrs are the LDAP attributes to write, by attribute name as the mapper spells it;
	// an empty value means the attribute should have no value.
	attrs map[string]string
}

// mapping is the outgoing mapper over the environment it sees: the profile's MapperSource,
// basedn and rdn (the same values escaped for use inside a DN).
func (t *Target) mapping() connectors.Mapping {
	return connectors.Mapping{Mapper: t.cfg.Mapper, Extend: func(src map[string]any) {
		escaped := make(map[string]any, len(src))
		for k, v := range src {
			escaped[k] = rdnValue(v.(string))
		}
		src["basedn"] = t.cfg.BaseDN
		src["rdn"] = escaped
	}}
}

// mapProfile runs the outgoing mapper over p (its fields and reserved account name): every
// field, or when partial only those p's fields decide. Errors name the mapper and field.
func (t *Target) mapProfile(p profile.Profile, partial bool) (desired, error) {
	var out map[string]string
	var err error
	if partial {
		out, err = t.mapping().Given(p)
	} else {
		out, err = t.mapping().All(p)
	}
	if err != nil {
		return desired{}, err
	}
	d := desired{attrs: map[string]string{}}
	for key, v := range out {
		switch strings.ToLower(key) {
		case fieldSAM:
			d.sam = v
			d.attrs["sAMAccountName"] = v
		case fieldOU:
			d.ou = v
		case fieldCN:
			d.cn = v
		case fieldManagerEmail:
			d.managerEmail, d.setManager = v, true
		default:
			d.attrs[key] = v
		}
	}
	missing := []string{}
	for k, v := range map[string]string{"sAMAccountName": d.sam, "ou": d.ou, "cn": d.cn} {
		if _, decided := out[t.fieldKey(strings.ToLower(k))]; v == "" && (decided || !partial) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return desired{}, connectors.Invalid("mapper %q yields no %s", t.cfg.Mapper.Name, strings.Join(missing, ", "))
	}
	if _, err := ldap.ParseDN(d.ou); d.ou != "" && err != nil {
		return desired{}, connectors.Invalid("mapper %q: ou %q is not a DN: %v", t.cfg.Mapper.Name, d.ou, err)
	}
	return d, nil
}

// fieldKey is the mapper's spelling of a field, matched without case ("" when it has none).
func (t *Target) fieldKey(lower string) string {
	for _, key := range t.cfg.Mapper.Fields() {
		if strings.ToLower(key) == lower {
			return key
		}
	}
	return ""
}

// mappedAttrs are the LDAP attributes the mapper writes, sorted.
func (t *Target) mappedAttrs() []string {
	var names []string
	for _, key := range t.cfg.Mapper.Fields() {
		switch strings.ToLower(key) {
		case fieldOU, fieldCN, fieldManagerEmail:
		case fieldSAM:
			names = append(names, "sAMAccountName")
		default:
			names = append(names, key)
		}
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	return names
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

// ref addresses a write to the account found, by its objectGUID: an extended DN
// (<GUID=…>, the GUID's bytes in hex) that AD and Samba take in place of a DN. A write so
// addressed reaches the object that was found and checked, even when another object has
// taken its DN since (an Activate gives its connection back while the mail goes out, then
// enables). The DN when the entry carries no GUID.
func (a *account) ref() string {
	if g := a.entry.GetEqualFoldRawAttributeValue("objectGUID"); len(g) == guidSize {
		return "<GUID=" + hex.EncodeToString(g) + ">"
	}
	return a.dn()
}

// guidSize is the length of an objectGUID.
const guidSize = 16

// keys are the values an account may be found by, each tried in order: employeeID, then
// sAMAccountName, then mail, then userPrincipalName, each current before old.
type keys struct{ sam, employeeID, mail, upn []string }

// add appends v to list unless it is blank or there already, compared case-insensitively.
func add(list *[]string, v string) {
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

// lookupKeys collects the current and old keys of p, mapping only sAMAccountName and mail:
// the old ones come from mapping the profile with its old user data laid over it, so a
// rename or an email change still finds the account.
func (t *Target) lookupKeys(p profile.Profile) (keys, error) {
	k := keys{}
	samKey, mailKey := t.fieldKey(fieldSAM), t.fieldKey("mail")
	cur, err := t.mapping().Lookup(p, samKey, mailKey)
	if err != nil {
		return k, err
	}
	add(&k.sam, cur[samKey])
	add(&k.employeeID, p.EmployeeID())
	add(&k.mail, p.Email())
	add(&k.mail, cur[mailKey])
	if len(p.OldUserData) > 0 {
		old := p.Clone()
		for f, v := range p.OldUserData {
			old.Fields[f] = v
		}
		if od, err := t.mapping().Lookup(old, samKey, mailKey); err == nil {
			add(&k.sam, od[samKey])
			add(&k.mail, od[mailKey])
		}
		add(&k.employeeID, p.OldUserData.Get(profile.EmployeeID))
		add(&k.mail, p.OldUserData.Get(profile.Email))
	}
	return k, nil
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
func (t *Target) find(s conn, p profile.Profile) (*account, error) {
	k, err := t.lookupKeys(p)
	if err != nil {
		return nil, err
	}
	return t.findBy(s, k)
}

// findByName returns the account holding the names p maps to (sAMAccountName, mail,
// userPrincipalName), nil when there is none: the unique-name check, which must not find
// the person's own account by employee id when another account holds the name.
func (t *Target) findByName(s conn, p profile.Profile) (*account, error) {
	samKey, mailKey, upnKey := t.fieldKey(fieldSAM), t.fieldKey("mail"), t.fieldKey("userprincipalname")
	names, err := t.mapping().Lookup(p, samKey, mailKey, upnKey)
	if err != nil {
		return nil, err
	}
	k := keys{}
	add(&k.sam, names[samKey])
	add(&k.mail, names[mailKey])
	add(&k.upn, names[upnKey])
	return t.findBy(s, k)
}

// findBy returns the first account found by k, nil when there is none.
//
// One search asks for every key at once, and the keys are tried in order over what it
// found: a round trip per operation rather than one per key (employeeID is not indexed in a
// stock AD schema, so each such search reads every user). Should more accounts match than the
// search returns, the keys are searched one by one instead.
func (t *Target) findBy(s conn, k keys) (*account, error) {
	mapped := t.mappedAttrs()
	attrs := append([]string{"cn", "objectGUID", "sAMAccountName", "mail", EmployeeIDAttribute, "userAccountControl", "manager", "memberOf"}, protectionAttrs...)
	attrs = append(attrs, mapped...)
	byKey := []struct {
		attr   string
		values []string
	}{{EmployeeIDAttribute, k.employeeID}, {"sAMAccountName", k.sam}, {"mail", k.mail}, {"userPrincipalName", k.upn}}
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
		return nil, classify("search by "+EmployeeIDAttribute+", sAMAccountName, mail and userPrincipalName", err)
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
			return &account{entry: e, uac: uac, mapped: mapped}, nil
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
