package main

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/smtp"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"

	"github.com/ilm-dev/ilm/connectors/password"
	"github.com/ilm-dev/ilm/mappers"
)

// domain is the DC of ILM_TEST_AD_* and the run's OU on it, deleted at the end.
type domain struct {
	url, bindDN, password, caFile string
	tls                           *tls.Config
	admin                         *ldap.Conn
	base                          string // the run's OU: the AD instance's base_dn
	run                           string // unique to the run: in OU and account names
}

// rawConns is how many connections the raw baselines use at once.
const rawConns = 4

// departments are the OUs under OU=People the report's people are spread over.
var departments = []string{"Sales", "Engineering", "Finance", "Support"}

func openDomain() (*domain, error) {
	d := &domain{url: os.Getenv("ILM_TEST_AD_URL"), bindDN: os.Getenv("ILM_TEST_AD_BIND_DN"),
		password: os.Getenv("ILM_TEST_AD_BIND_PASSWORD"), caFile: os.Getenv("ILM_TEST_AD_CA_FILE")}
	if d.url == "" || os.Getenv("ILM_TEST_AD_BASE_DN") == "" {
		return nil, errors.New("ILM_TEST_AD_URL and ILM_TEST_AD_BASE_DN are not set: eval \"$(scripts/samba-ad.sh env)\" (scripts/bench.sh does it)")
	}
	d.tls = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // no CA file given: a test DC
	if d.caFile != "" {
		pem, err := os.ReadFile(d.caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate", d.caFile)
		}
		d.tls = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	var err error
	if d.admin, err = d.dial(); err != nil {
		return nil, err
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	d.run = hex.EncodeToString(b)
	d.base = "OU=ilm-bench-" + d.run + "," + os.Getenv("ILM_TEST_AD_BASE_DN")
	if err := d.addOUs(append([]string{d.base, "OU=People," + d.base}, departmentOUs(d.base, "")...)); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// departmentOUs are the DNs of the departments' OUs under OU=People, each name suffixed.
func departmentOUs(base, suffix string) []string {
	var ous []string
	for _, dep := range departments {
		ous = append(ous, "OU="+dep+suffix+",OU=People,"+base)
	}
	return ous
}

// addOUs adds the OUs, parents first.
func (d *domain) addOUs(dns []string) error {
	for _, dn := range dns {
		req := ldap.NewAddRequest(dn, nil)
		req.Attribute("objectClass", []string{"top", "organizationalUnit"})
		if err := d.admin.Add(req); err != nil {
			return fmt.Errorf("add %s: %w", dn, err)
		}
	}
	return nil
}

// roundSuffix ends the names of a round's department OUs: each round's people live in OUs
// of their own, deleted after the round, so that no round's lookups see an earlier round's
// accounts.
func roundSuffix(r int) string { return fmt.Sprintf("-r%d", r) }

// addRound adds round r's department OUs.
func (d *domain) addRound(r int) error { return d.addOUs(departmentOUs(d.base, roundSuffix(r))) }

// deleteRound deletes round r's department OUs and the accounts in them.
func (d *domain) deleteRound(r int) error {
	for _, dn := range departmentOUs(d.base, roundSuffix(r)) {
		if err := d.deleteTree(dn); err != nil {
			return err
		}
	}
	return nil
}

func (d *domain) dial() (*ldap.Conn, error) {
	c, err := ldap.DialURL(d.url, ldap.DialWithTLSConfig(d.tls))
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", d.url, err)
	}
	if err := c.Bind(d.bindDN, d.password); err != nil {
		c.Close()
		return nil, fmt.Errorf("bind as %s: %w", d.bindDN, err)
	}
	return c, nil
}

// close deletes the run's OU.
func (d *domain) close() {
	defer d.admin.Close()
	if err := d.deleteTree(d.base); err != nil {
		fmt.Fprintf(os.Stderr, "bench: cleanup of %s: %v\n", d.base, err)
	}
}

// deleteTree deletes dn and everything under it, children first.
func (d *domain) deleteTree(dn string) error {
	entries, err := d.search(dn, "(objectClass=*)", "dn")
	if err != nil {
		return err
	}
	sort.Slice(entries, func(i, j int) bool { return strings.Count(entries[i].DN, ",") > strings.Count(entries[j].DN, ",") })
	for _, e := range entries {
		if err := d.admin.Del(ldap.NewDelRequest(e.DN, nil)); err != nil {
			return fmt.Errorf("delete %s: %w", e.DN, err)
		}
	}
	return nil
}

func (d *domain) search(base, filter string, attrs ...string) ([]*ldap.Entry, error) {
	res, err := d.admin.SearchWithPaging(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, filter, attrs, nil), 500)
	if err != nil {
		return nil, err
	}
	return res.Entries, nil
}

// accounts reads the user accounts whose employeeID starts with prefix, with the
// attributes the stock AD mapper writes.
func (d *domain) accounts(prefix string) ([]*ldap.Entry, error) {
	m, err := mappers.Stock("ad-outgoing")
	if err != nil {
		return nil, err
	}
	attrs := []string{"manager", "userAccountControl"}
	for _, f := range m.Fields() {
		if f != "ou" && f != "manageremail" {
			attrs = append(attrs, f)
		}
	}
	return d.search("OU=People,"+d.base, fmt.Sprintf("(&(objectClass=user)(employeeID=%s*))", ldap.EscapeFilter(prefix)), attrs...)
}

// enabled counts the entries whose account is enabled.
func enabled(entries []*ldap.Entry) int {
	n := 0
	for _, e := range entries {
		if e.GetAttributeValue("userAccountControl") == "512" {
			n++
		}
	}
	return n
}

// rawAdd deletes the entries (not timed), then adds them again, disabled, over rawConns
// connections, and returns how long the adds took.
func (d *domain) rawAdd(entries []*ldap.Entry) (time.Duration, error) {
	for _, e := range entries {
		if err := d.admin.Del(ldap.NewDelRequest(e.DN, nil)); err != nil {
			return 0, fmt.Errorf("delete %s: %w", e.DN, err)
		}
	}
	return d.parallel(entries, func(c *ldap.Conn, e *ldap.Entry) error {
		req := ldap.NewAddRequest(e.DN, nil)
		req.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		for _, a := range e.Attributes {
			if strings.EqualFold(a.Name, "userAccountControl") {
				continue
			}
			req.Attribute(a.Name, a.Values)
		}
		req.Attribute("userAccountControl", []string{"514"})
		return c.Add(req)
	})
}

// rawActivate sets each account's temporary password (as ILM's default policy makes them),
// pwdLastSet=0, enables it and sends one mail over SMTP, over rawConns connections.
func (d *domain) rawActivate(entries []*ldap.Entry, smtpAddr string) (time.Duration, error) {
	return d.parallel(entries, func(c *ldap.Conn, e *ldap.Entry) error {
		pw, err := password.Generate(password.DefaultPolicy,
			e.GetAttributeValue("sAMAccountName"))
		if err != nil {
			return err
		}
		set := ldap.NewModifyRequest(e.DN, nil)
		set.Replace("unicodePwd", []string{unicodePwd(pw)})
		if err := c.Modify(set); err != nil {
			return fmt.Errorf("set password of %s: %w", e.DN, err)
		}
		must := ldap.NewModifyRequest(e.DN, nil)
		must.Replace("pwdLastSet", []string{"0"})
		if err := c.Modify(must); err != nil {
			return err
		}
		msg := fmt.Sprintf("To: desk@bench.example\r\nSubject: Temporary password for %s\r\n\r\nUsername: %s\r\nPassword: %s\r\n",
			e.GetAttributeValue("displayName"), e.GetAttributeValue("sAMAccountName"), pw)
		if err := smtp.SendMail(smtpAddr, nil, "ilm@bench.example", []string{"desk@bench.example"}, []byte(msg)); err != nil {
			return fmt.Errorf("mail: %w", err)
		}
		enable := ldap.NewModifyRequest(e.DN, nil)
		enable.Replace("userAccountControl", []string{"512"})
		return c.Modify(enable)
	})
}

// parallel runs op on every entry over rawConns bound connections and returns how long it
// took, dialling included.
func (d *domain) parallel(entries []*ldap.Entry, op func(*ldap.Conn, *ldap.Entry) error) (time.Duration, error) {
	start := time.Now()
	work := make(chan *ldap.Entry)
	errs := make(chan error, rawConns)
	var wg sync.WaitGroup
	for range rawConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := d.dial()
			if err != nil {
				errs <- err
				for range work {
				}
				return
			}
			defer c.Close()
			var first error
			for e := range work {
				if first == nil {
					first = op(c, e)
				}
			}
			errs <- first
		}()
	}
	for _, e := range entries {
		work <- e
	}
	close(work)
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return took, nil
}

// unicodePwd is AD's password value: the password in double quotes, UTF-16LE.
func unicodePwd(pw string) string {
	u := utf16.Encode([]rune(`"` + pw + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}
