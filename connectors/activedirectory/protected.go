package activedirectory

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
)

// EmployeeIDAttribute is the attribute that binds an account to a person: the stock
// ad-outgoing mapper writes the employee id there.
const EmployeeIDAttribute = "employeeID"

// protectionAttrs are read with every account, for protectedReason.
var protectionAttrs = []string{"adminCount", "isCriticalSystemObject", "objectSid"}

// Relative ids of the domain's privileged groups (MS-DTYP 2.4.2.4): Domain Admins, Schema
// Admins, Enterprise Admins, Group Policy Creator Owners, Key Admins, Enterprise Key Admins.
var privilegedDomainRIDs = map[uint32]string{
	512: "Domain Admins", 518: "Schema Admins", 519: "Enterprise Admins",
	520: "Group Policy Creator Owners", 526: "Key Admins", 527: "Enterprise Key Admins",
}

// The BUILTIN domain's privileged groups (S-1-5-32-…).
var privilegedBuiltinRIDs = map[uint32]string{
	544: "Administrators", 548: "Account Operators", 549: "Server Operators",
	550: "Print Operators", 551: "Backup Operators",
}

// Accounts with a relative id below this are the domain's own (Administrator 500, Guest 501,
// krbtgt 502, …): no person's account has one.
const firstOrdinaryRID = 1000

// owner says whose the account is, and why ILM must never change it when it must not: an
// account outside base_dn, one AD protects (adminCount=1, a critical system object), a
// built-in account, or a member — directly or through nesting — of a privileged group.
func (t *Target) owner(s conn, a *account) (connectors.Owner, error) {
	o := connectors.Owner{Account: fmt.Sprintf("account %s (sAMAccountName %s)", a.dn(), a.get("sAMAccountName")),
		EmployeeID: a.get(EmployeeIDAttribute)}
	o.Protected = t.protectedReason(a)
	if o.Protected != "" {
		return o, nil
	}
	groups, err := tokenGroups(s, a.dn())
	if err != nil {
		return o, err
	}
	o.Protected = privilegedGroup(groups)
	return o, nil
}

// protectedReason reads what the account's own attributes say; "" when nothing.
func (t *Target) protectedReason(a *account) string {
	if !inScope(a.dn(), t.cfg.BaseDN) {
		return "outside base_dn " + t.cfg.BaseDN
	}
	if a.get("adminCount") == "1" {
		return "adminCount=1"
	}
	if strings.EqualFold(a.get("isCriticalSystemObject"), "TRUE") {
		return "isCriticalSystemObject"
	}
	if sid, ok := parseSID(a.entry.GetRawAttributeValue("objectSid")); ok && sid.rid() < firstOrdinaryRID {
		return fmt.Sprintf("a built-in account, RID %d", sid.rid())
	}
	return ""
}

// inScope says whether dn lies under base.
func inScope(dn, base string) bool {
	child, err := ldap.ParseDN(dn)
	if err != nil {
		return false
	}
	parent, err := ldap.ParseDN(base)
	if err != nil {
		return false
	}
	return parent.AncestorOfFold(child) || parent.EqualFold(child)
}

// tokenGroups reads the SIDs of every group the account belongs to, nesting resolved by the
// DC (a constructed attribute, returned only by a base-object search).
func tokenGroups(s conn, dn string) ([]sid, error) {
	res, err := s.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		1, 0, false, "(objectClass=*)", []string{"tokenGroups"}, nil))
	if err != nil {
		return nil, classify("read the groups of "+dn, err)
	}
	var out []sid
	for _, e := range res.Entries {
		for _, raw := range e.GetRawAttributeValues("tokenGroups") {
			if g, ok := parseSID(raw); ok {
				out = append(out, g)
			}
		}
	}
	return out, nil
}

// privilegedGroup names the first privileged group among groups; "" when none is.
func privilegedGroup(groups []sid) string {
	for _, g := range groups {
		if name, ok := privilegedBuiltinRIDs[g.rid()]; ok && g.builtin() {
			return "member of BUILTIN\\" + name
		}
		if name, ok := privilegedDomainRIDs[g.rid()]; ok && g.domain() {
			return "member of " + name
		}
	}
	return ""
}

// sid is a security identifier: its authority and sub-authorities (MS-DTYP 2.4.2.2).
type sid struct {
	authority uint64
	subs      []uint32
}

// parseSID reads the binary form: revision, sub-authority count, a 48-bit big-endian
// authority, then little-endian 32-bit sub-authorities.
func parseSID(b []byte) (sid, bool) {
	if len(b) < 8 || b[0] != 1 {
		return sid{}, false
	}
	n := int(b[1])
	if n == 0 || len(b) != 8+4*n {
		return sid{}, false
	}
	var auth uint64
	for _, x := range b[2:8] {
		auth = auth<<8 | uint64(x)
	}
	s := sid{authority: auth, subs: make([]uint32, n)}
	for i := range s.subs {
		s.subs[i] = binary.LittleEndian.Uint32(b[8+4*i:])
	}
	return s, true
}

func (s sid) rid() uint32 { return s.subs[len(s.subs)-1] }

// builtin says whether the SID is in the BUILTIN domain (S-1-5-32-RID).
func (s sid) builtin() bool { return s.authority == 5 && len(s.subs) == 2 && s.subs[0] == 32 }

// domain says whether the SID is an account of a domain (S-1-5-21-a-b-c-RID).
func (s sid) domain() bool { return s.authority == 5 && len(s.subs) == 5 && s.subs[0] == 21 }
