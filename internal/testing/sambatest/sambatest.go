// Package sambatest gives tests the Samba AD domain controller that scripts/samba-ad.sh runs
// (ILM_TEST_AD_* variables): a per-run OU to work in, deleted when the test ends.
package sambatest

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/require"
)

// Domain is the test DC and a per-run OU that the test creates, works in and deletes.
type Domain struct {
	URL, BindDN, Password string
	CAFile                string // empty: certificate not verified
	TLS                   *tls.Config
	Admin                 *ldap.Conn
	Base                  string // the run's OU, used as the target's base DN
	Run                   string // a random name part unique to the run
}

// New connects to the DC named by ILM_TEST_AD_* (scripts/samba-ad.sh env) and creates
// the run's OU with OU=People and the given department OUs under it.
func New(t *testing.T, departments ...string) *Domain {
	t.Helper()
	url := os.Getenv("ILM_TEST_AD_URL")
	if url == "" {
		t.Skip("ILM_TEST_AD_URL is not set: run scripts/samba-ad.sh start && eval \"$(scripts/samba-ad.sh env)\" (scripts/test.sh does it)")
	}
	d := &Domain{URL: url, BindDN: os.Getenv("ILM_TEST_AD_BIND_DN"), Password: os.Getenv("ILM_TEST_AD_BIND_PASSWORD"),
		CAFile: os.Getenv("ILM_TEST_AD_CA_FILE"), TLS: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // no CA file given
	if d.CAFile != "" {
		pem, err := os.ReadFile(d.CAFile)
		require.NoError(t, err)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pem))
		d.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	d.Reconnect(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	d.Run = hex.EncodeToString(b)
	d.Base = "OU=ilm-test-" + d.Run + "," + os.Getenv("ILM_TEST_AD_BASE_DN")
	d.AddOU(t, d.Base)
	d.AddOU(t, "OU=People,"+d.Base)
	for _, dep := range departments {
		// AD also wants "=" escaped, which RFC 4514 does not.
		d.AddOU(t, "OU="+strings.ReplaceAll(ldap.EscapeDN(dep), "=", `\=`)+",OU=People,"+d.Base)
	}
	t.Cleanup(func() { d.deleteTree(t); _ = d.Admin.Close() })
	return d
}

// Reconnect gives the domain a new admin connection, closing the old one: the DC drops a
// connection idle for longer than its MaxConnIdleTime (15 minutes) and, of course, one to a
// DC that was restarted.
func (d *Domain) Reconnect(t *testing.T) {
	t.Helper()
	conn, err := ldap.DialURL(d.URL, ldap.DialWithTLSConfig(d.TLS))
	require.NoError(t, err, "dialing the Samba DC at %s", d.URL)
	require.NoError(t, conn.Bind(d.BindDN, d.Password), "binding to the Samba DC as %s", d.BindDN)
	if d.Admin != nil {
		_ = d.Admin.Close()
	}
	d.Admin = conn
}

func (d *Domain) AddOU(t *testing.T, dn string) {
	t.Helper()
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "organizationalUnit"})
	require.NoError(t, d.Admin.Add(req), dn)
}

// deleteTree deletes the run's OU, children first, on a new connection (the test's may have
// idled out), reading it in pages (AD answers at most 1,000 entries a search).
func (d *Domain) deleteTree(t *testing.T) {
	d.Reconnect(t)
	res, err := d.Admin.SearchWithPaging(ldap.NewSearchRequest(d.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", []string{"dn"}, nil), 500)
	if err != nil {
		t.Errorf("cleanup of %s: %v", d.Base, err)
		return
	}
	dns := make([][]string, 0, len(res.Entries))
	for _, e := range res.Entries {
		parsed, err := ldap.ParseDN(e.DN)
		require.NoError(t, err)
		dns = append(dns, []string{e.DN, strings.Repeat("x", len(parsed.RDNs))})
	}
	sort.Slice(dns, func(i, j int) bool { return len(dns[i][1]) > len(dns[j][1]) })
	for _, dn := range dns {
		if err := d.Admin.Del(ldap.NewDelRequest(dn[0], nil)); err != nil {
			t.Errorf("cleanup: delete %s: %v", dn[0], err)
		}
	}
}

// Entry reads an account by DN: the usual attributes and more.
func (d *Domain) Entry(t *testing.T, dn string, more ...string) *ldap.Entry {
	t.Helper()
	attrs := append([]string{"cn", "title", "mail", "sAMAccountName", "userAccountControl", "manager", "memberOf", "userPrincipalName"}, more...)
	res, err := d.Admin.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", attrs, nil))
	require.NoError(t, err, dn)
	return res.Entries[0]
}
