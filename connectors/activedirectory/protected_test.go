package activedirectory

import (
	"encoding/binary"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
)

// rawSID encodes S-1-<authority>-<subs…> as AD stores it.
func rawSID(authority byte, subs ...uint32) []byte {
	b := []byte{1, byte(len(subs)), 0, 0, 0, 0, 0, authority}
	for _, s := range subs {
		b = binary.LittleEndian.AppendUint32(b, s)
	}
	return b
}

func domainSID(rid uint32) []byte { return rawSID(5, 21, 1111, 2222, 3333, rid) }

func TestProtectedAccountsAreRecognised(t *testing.T) {
	tg := stockTarget(t, "ldaps://127.0.0.1:636")
	for _, tc := range []struct {
		name  string
		dn    string
		attrs map[string][]string
		sid   []byte
		want  string
	}{
		{"an ordinary account", "CN=Ada,OU=People,DC=example,DC=test", nil, domainSID(1105), ""},
		{"Administrator", "CN=Administrator,CN=Users,DC=example,DC=test", nil, domainSID(500), "a built-in account, RID 500"},
		{"krbtgt", "CN=krbtgt,CN=Users,DC=example,DC=test", nil, domainSID(502), "RID 502"},
		{"adminCount", "CN=Ops Admin,OU=People,DC=example,DC=test", map[string][]string{"adminCount": {"1"}}, domainSID(1200), "adminCount=1"},
		{"critical system object", "CN=Svc,CN=Users,DC=example,DC=test", map[string][]string{"isCriticalSystemObject": {"TRUE"}}, domainSID(1201), "isCriticalSystemObject"},
		{"outside base_dn", "CN=Ada,DC=other,DC=test", nil, domainSID(1105), "outside base_dn DC=example,DC=test"},
		{"base_dn in other case", "cn=Ada,ou=People,dc=EXAMPLE,dc=test", nil, domainSID(1105), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ldap.NewEntry(tc.dn, tc.attrs)
			e.Attributes = append(e.Attributes, &ldap.EntryAttribute{Name: "objectSid", ByteValues: [][]byte{tc.sid}})
			got := tg.protectedReason(&account{entry: e})
			if tc.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, tc.want)
			}
		})
	}
}

func TestMembersOfPrivilegedGroupsAreProtected(t *testing.T) {
	parse := func(raw ...[]byte) []sid {
		var out []sid
		for _, r := range raw {
			s, ok := parseSID(r)
			assert.True(t, ok)
			out = append(out, s)
		}
		return out
	}
	assert.Empty(t, privilegedGroup(parse(domainSID(513), rawSID(5, 32, 545))), "Domain Users and BUILTIN\\Users")
	assert.Equal(t, "member of Domain Admins", privilegedGroup(parse(domainSID(513), domainSID(512))))
	assert.Equal(t, "member of BUILTIN\\Administrators", privilegedGroup(parse(rawSID(5, 32, 544))))
	assert.Equal(t, "member of BUILTIN\\Backup Operators", privilegedGroup(parse(rawSID(5, 32, 551))))
	assert.Empty(t, privilegedGroup(parse(rawSID(5, 21, 512))), "RID 512 outside a domain SID is not Domain Admins")

	_, ok := parseSID([]byte{1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0})
	assert.False(t, ok, "truncated")
}
