package activedirectory

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/require"
)

// directory is an in-memory Active Directory, enough of one for the connector's rules: it
// answers 68 for a taken DN or sAMAccountName, 32 under a missing parent, 20 and 16 for
// values already there or not there, 19 for a short password; it computes memberOf and
// tokenGroups (nesting resolved) from the groups' members, and counts the connections the
// connector opens and closes.
type directory struct {
	entries []*ldap.Entry
	nextRID uint32
	// dials and closes count connections, searches the searches; writes lists every Add,
	// Modify and ModifyDN.
	dials, closes, searches int
	writes                  []string
	// beforeAdd, when set, runs before an Add: another writer racing the connector.
	beforeAdd func()
}

const fakeBase = "DC=example,DC=test"

func newDirectory(t *testing.T) *directory {
	t.Helper()
	d := &directory{nextRID: 1100}
	for _, dn := range []string{fakeBase, "OU=People," + fakeBase, "OU=Ops,OU=People," + fakeBase,
		"OU=Sales,OU=People," + fakeBase, "CN=Users," + fakeBase} {
		d.put(dn, map[string][]string{"objectClass": {"top", "container"}})
	}
	d.put("CN=Domain Admins,CN=Users,"+fakeBase, map[string][]string{
		"objectClass": {"top", "group"}, "sAMAccountName": {"Domain Admins"}, "objectSid": {string(domainSID(512))}})
	d.put("CN=Disabled Users,OU=People,"+fakeBase, map[string][]string{
		"objectClass": {"top", "group"}, "sAMAccountName": {"disabled-users"}, "objectSid": {string(domainSID(1050))}})
	return d
}

// target is the stock target over d: every operation allowed, the disabled-users group set.
func (d *directory) target(t *testing.T, edit ...func(*Config)) *Target {
	t.Helper()
	tg := stockTarget(t, "ldaps://dc.example.test")
	tg.cfg.DisabledUsersGroup = "CN=Disabled Users,OU=People," + fakeBase
	for _, e := range edit {
		e(&tg.cfg)
	}
	tg.dial = d.dial
	return tg
}

func (d *directory) dial(ctx context.Context) (conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, classify("connect", err)
	}
	d.dials++
	return &fakeConn{d: d}, nil
}

// user adds a user account the way an administrator would, with attrs over the defaults
// (enabled, an ordinary RID); it returns its DN.
func (d *directory) user(cn, ou string, attrs map[string][]string) string {
	dn := userDN(cn, ou)
	base := map[string][]string{"objectClass": {"top", "person", "organizationalPerson", "user"},
		"objectCategory": {"person"}, "cn": {cn}, "userAccountControl": {"512"}, "objectSid": {string(domainSID(d.rid()))}}
	for k, v := range attrs {
		base[k] = v
	}
	d.put(dn, base)
	return dn
}

func (d *directory) rid() uint32 { d.nextRID++; return d.nextRID }

// fakeGUID is the objectGUID of the object with relative id rid: unique in the directory.
func fakeGUID(rid uint32) []byte {
	g := make([]byte, 16)
	binary.LittleEndian.PutUint32(g, rid)
	g[15] = 0xa5
	return g
}

func (d *directory) put(dn string, attrs map[string][]string) {
	d.entries = append(d.entries, ldap.NewEntry(dn, attrs))
}

// entry returns the entry at dn, or with the objectGUID of an extended DN <GUID=hex>; nil
// when there is none.
func (d *directory) entry(dn string) *ldap.Entry {
	guid, byGUID := strings.CutPrefix(dn, "<GUID=")
	guid = strings.TrimSuffix(guid, ">")
	for _, e := range d.entries {
		if byGUID && hex.EncodeToString(e.GetEqualFoldRawAttributeValue("objectGUID")) == strings.ToLower(guid) ||
			!byGUID && sameDN(e.DN, dn) {
			return e
		}
	}
	return nil
}

// get returns an attribute of the entry at dn; "" when either is missing.
func (d *directory) get(dn, attr string) string {
	if e := d.entry(dn); e != nil {
		return e.GetEqualFoldAttributeValue(attr)
	}
	return ""
}

// groupsOf returns the groups dn is a member of, directly or not.
func (d *directory) groupsOf(dn string) []*ldap.Entry {
	var out []*ldap.Entry
	todo := []string{dn}
	for len(todo) > 0 {
		member := todo[0]
		todo = todo[1:]
		for _, g := range d.entries {
			if !slices.ContainsFunc(g.GetEqualFoldAttributeValues("member"), func(m string) bool { return sameDN(m, member) }) ||
				slices.Contains(out, g) {
				continue
			}
			out = append(out, g)
			todo = append(todo, g.DN)
		}
	}
	return out
}

// view is what a search returns of e: the attributes asked for, memberOf and tokenGroups
// computed.
func (d *directory) view(e *ldap.Entry, attrs []string) *ldap.Entry {
	out := map[string][]string{}
	for _, name := range attrs {
		switch {
		case strings.EqualFold(name, "memberOf"):
			for _, g := range d.groupsOf(e.DN) {
				if slices.ContainsFunc(g.GetEqualFoldAttributeValues("member"), func(m string) bool { return sameDN(m, e.DN) }) {
					out["memberOf"] = append(out["memberOf"], g.DN)
				}
			}
		case strings.EqualFold(name, "tokenGroups"):
			for _, g := range d.groupsOf(e.DN) {
				out["tokenGroups"] = append(out["tokenGroups"], g.GetEqualFoldAttributeValue("objectSid"))
			}
		default:
			if v := e.GetEqualFoldAttributeValues(name); len(v) > 0 {
				out[name] = v
			}
		}
	}
	return ldap.NewEntry(e.DN, out)
}

// matches evaluates a compiled filter: and, or, not, equality (without regard to case) and
// presence are all the connector uses.
func matches(e *ldap.Entry, f *ber.Packet) bool {
	switch f.Tag {
	case ldap.FilterAnd:
		for _, c := range f.Children {
			if !matches(e, c) {
				return false
			}
		}
		return true
	case ldap.FilterOr:
		return slices.ContainsFunc(f.Children, func(c *ber.Packet) bool { return matches(e, c) })
	case ldap.FilterNot:
		return !matches(e, f.Children[0])
	case ldap.FilterEqualityMatch:
		attr, want := f.Children[0].Value.(string), f.Children[1].Value.(string)
		return slices.ContainsFunc(e.GetEqualFoldAttributeValues(attr), func(v string) bool { return strings.EqualFold(v, want) })
	case ldap.FilterPresent:
		return len(e.GetEqualFoldAttributeValues(f.Data.String())) > 0
	}
	panic(fmt.Sprintf("fake directory: filter tag %d", f.Tag))
}

func ldapErr(code uint16, format string, args ...any) error {
	return ldap.NewError(code, fmt.Errorf(format, args...))
}

// fakeConn is one connection to a directory; it refuses to be used once closed.
type fakeConn struct {
	d      *directory
	closed bool
}

var errClosed = ldap.NewError(ldap.ErrorNetwork, errors.New("ldap: connection closed"))

func (c *fakeConn) Close() error {
	if !c.closed {
		c.closed = true
		c.d.closes++
	}
	return nil
}

func (c *fakeConn) Search(req *ldap.SearchRequest) (*ldap.SearchResult, error) {
	if c.closed {
		return nil, errClosed
	}
	d := c.d
	d.searches++
	if req.Scope == ldap.ScopeBaseObject {
		e := d.entry(req.BaseDN)
		if e == nil {
			return nil, ldapErr(ldap.LDAPResultNoSuchObject, "0000208D: NameErr: no object %s", req.BaseDN)
		}
		return &ldap.SearchResult{Entries: []*ldap.Entry{d.view(e, req.Attributes)}}, nil
	}
	f, err := ldap.CompileFilter(req.Filter)
	if err != nil {
		return nil, err
	}
	res := &ldap.SearchResult{}
	for _, e := range d.entries {
		if !inScope(e.DN, req.BaseDN) || !matches(e, f) {
			continue
		}
		if req.SizeLimit > 0 && len(res.Entries) == req.SizeLimit {
			return res, ldapErr(ldap.LDAPResultSizeLimitExceeded, "size limit exceeded")
		}
		res.Entries = append(res.Entries, d.view(e, req.Attributes))
	}
	return res, nil
}

func (c *fakeConn) Add(req *ldap.AddRequest) error {
	if c.closed {
		return errClosed
	}
	d := c.d
	if d.beforeAdd != nil {
		d.beforeAdd()
	}
	d.writes = append(d.writes, "add "+req.DN)
	attrs := map[string][]string{}
	for _, a := range req.Attributes {
		attrs[a.Type] = a.Vals
	}
	parent, err := parentDN(req.DN)
	if err != nil {
		return ldapErr(ldap.LDAPResultInvalidDNSyntax, "%v", err)
	}
	switch {
	case d.entry(req.DN) != nil:
		return ldapErr(ldap.LDAPResultEntryAlreadyExists, "00002071: UpdErr: %s exists", req.DN)
	case d.entry(parent) == nil:
		return ldapErr(ldap.LDAPResultNoSuchObject, "0000208D: NameErr: no parent %s", parent)
	}
	for _, e := range d.entries {
		if sam := attrs["sAMAccountName"]; len(sam) == 1 && strings.EqualFold(e.GetEqualFoldAttributeValue("sAMAccountName"), sam[0]) {
			return ldapErr(ldap.LDAPResultEntryAlreadyExists, "00000524: UpdErr: sAMAccountName %s is taken", sam[0])
		}
	}
	rdn, _ := ldap.ParseDN(req.DN)
	attrs["cn"] = []string{rdn.RDNs[0].Attributes[0].Value}
	attrs["objectCategory"] = []string{"person"}
	rid := d.rid()
	attrs["objectSid"] = []string{string(domainSID(rid))}
	attrs["objectGUID"] = []string{string(fakeGUID(rid))}
	d.put(req.DN, attrs)
	return nil
}

func (c *fakeConn) Modify(req *ldap.ModifyRequest) error {
	if c.closed {
		return errClosed
	}
	d := c.d
	d.writes = append(d.writes, "modify "+req.DN)
	e := d.entry(req.DN)
	if e == nil {
		return ldapErr(ldap.LDAPResultNoSuchObject, "0000208D: NameErr: no object %s", req.DN)
	}
	attrs := map[string][]string{}
	for _, a := range e.Attributes {
		attrs[a.Name] = a.Values
	}
	key := func(name string) string {
		for k := range attrs {
			if strings.EqualFold(k, name) {
				return k
			}
		}
		return name
	}
	for _, ch := range req.Changes {
		name, vals := key(ch.Modification.Type), ch.Modification.Vals
		has := func(v string) bool {
			return slices.ContainsFunc(attrs[name], func(x string) bool { return strings.EqualFold(x, v) })
		}
		switch ch.Operation {
		case ldap.AddAttribute:
			for _, v := range vals {
				if has(v) {
					return ldapErr(ldap.LDAPResultAttributeOrValueExists, "00002083: AtrErr: %s has %s", name, v)
				}
				attrs[name] = append(attrs[name], v)
			}
		case ldap.DeleteAttribute:
			if len(attrs[name]) == 0 {
				return ldapErr(ldap.LDAPResultNoSuchAttribute, "0000202B: AtrErr: no %s", name)
			}
			if len(vals) == 0 {
				delete(attrs, name)
			}
			for _, v := range vals {
				if !has(v) {
					return ldapErr(ldap.LDAPResultNoSuchAttribute, "0000202B: AtrErr: %s lacks %s", name, v)
				}
				attrs[name] = slices.DeleteFunc(slices.Clone(attrs[name]), func(x string) bool { return strings.EqualFold(x, v) })
			}
		case ldap.ReplaceAttribute:
			// The policy: at least 8 characters, quotes included in the UTF-16 value.
			if strings.EqualFold(name, "unicodePwd") && len(vals) == 1 && len(vals[0]) < 2*10 {
				return ldapErr(ldap.LDAPResultConstraintViolation, "0000052D: Constraint violation - check_password_restrictions")
			}
			attrs[name] = vals
		}
	}
	*e = *ldap.NewEntry(e.DN, attrs)
	return nil
}

func (c *fakeConn) ModifyDN(req *ldap.ModifyDNRequest) error {
	if c.closed {
		return errClosed
	}
	d := c.d
	d.writes = append(d.writes, "moddn "+req.DN)
	e := d.entry(req.DN)
	if e == nil {
		return ldapErr(ldap.LDAPResultNoSuchObject, "0000208D: NameErr: no object %s", req.DN)
	}
	parent, _ := parentDN(req.DN)
	if req.NewSuperior != "" {
		parent = req.NewSuperior
	}
	dn := req.NewRDN + "," + parent
	switch {
	case d.entry(parent) == nil:
		return ldapErr(ldap.LDAPResultNoSuchObject, "0000208D: NameErr: no parent %s", parent)
	case d.entry(dn) != nil:
		return ldapErr(ldap.LDAPResultEntryAlreadyExists, "00002071: UpdErr: %s exists", dn)
	}
	for _, g := range d.entries {
		for _, a := range g.Attributes {
			if strings.EqualFold(a.Name, "member") {
				for i, m := range a.Values {
					if sameDN(m, e.DN) {
						a.Values[i] = dn
					}
				}
			}
		}
	}
	rdn, _ := ldap.ParseDN(dn)
	attrs := map[string][]string{}
	for _, a := range e.Attributes {
		attrs[a.Name] = a.Values
	}
	for k := range attrs {
		if strings.EqualFold(k, "cn") {
			delete(attrs, k)
		}
	}
	attrs["cn"] = []string{rdn.RDNs[0].Attributes[0].Value}
	*e = *ldap.NewEntry(dn, attrs)
	return nil
}

// requireClosed checks that every connection the operations opened was closed.
func (d *directory) requireClosed(t *testing.T) {
	t.Helper()
	require.Equal(t, d.dials, d.closes, "every connection opened is closed")
}

// addMember is the request that adds member to group.
func addMember(group, member string) *ldap.ModifyRequest {
	req := ldap.NewModifyRequest(group, nil)
	req.Add("member", []string{member})
	return req
}
