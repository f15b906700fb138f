package activedirectory_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/activedirectory"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// domain is the test DC with the run's OU (internal/testing/sambatest).
type domain struct{ *sambatest.Domain }

// samba connects to the test DC and creates the run's OU with OU=People and the given
// department OUs under it; it skips the test when no DC is configured.
func samba(t *testing.T, departments ...string) *domain {
	return &domain{sambatest.New(t, departments...)}
}

func (d *domain) target(t *testing.T, edit ...func(*activedirectory.Config)) *activedirectory.Target {
	t.Helper()
	m, err := mappers.Stock("ad-outgoing")
	require.NoError(t, err)
	cfg := activedirectory.Config{
		Instance: "ad", URL: d.URL, CAFile: d.CAFile, InsecureSkipVerify: d.CAFile == "", BindDN: d.BindDN, BindPassword: d.Password,
		BaseDN: d.Base, Mapper: m, Timeout: 20 * time.Second,
		Operations: activedirectory.Operations{Create: true, Update: true, Enable: true, Disable: true},
	}
	for _, e := range edit {
		e(&cfg)
	}
	tg, err := activedirectory.New(cfg)
	require.NoError(t, err)
	return tg
}

// requireFinal checks that err is connectors.ErrInvalid, not retryable, and says each of
// wants.
func requireFinal(t *testing.T, err error, wants ...string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.False(t, connectors.Retryable(err))
	for _, want := range wants {
		assert.Contains(t, err.Error(), want)
	}
}

// create creates p's account with tg and returns its DN.
func create(t *testing.T, tg *activedirectory.Target, p profile.Profile) string {
	t.Helper()
	res, err := tg.Create(context.Background(), p)
	require.NoError(t, err)
	return res.ID
}

// person is a profile whose email (and so sAMAccountName) is unique to the run.
func (d *domain) person(id, given, sur, dept string) profile.Profile {
	email := strings.ToLower(given[:1]+id) + "." + d.Run + "@example.test"
	return profile.Profile{Fields: profile.Fields{
		profile.EmployeeID: id + d.Run, profile.GivenName: given, profile.Surname: sur,
		profile.DisplayName: given + " " + sur, profile.Email: email, profile.Username: email,
		profile.Department: dept, profile.Title: "Engineer",
	}}
}

func TestSambaCreateWithCollisionsAndMissingOU(t *testing.T) {
	d := samba(t, "Ops")
	tg, ctx := d.target(t), context.Background()
	var dns []string
	for i, id := range []string{"a1", "a2", "a3"} {
		p := d.person(id, "Ann", "Chen", "Ops")
		res, err := tg.Create(ctx, p)
		require.NoError(t, err, i)
		assert.True(t, res.Success)
		assert.False(t, res.Active, "created disabled")
		dns = append(dns, res.ID)
		e := d.Entry(t, res.ID)
		assert.Equal(t, "514", e.GetAttributeValue("userAccountControl"))
		assert.Equal(t, p.Email(), e.GetAttributeValue("userPrincipalName"))
	}
	people := "OU=Ops,OU=People," + d.Base
	assert.Equal(t, []string{"CN=Ann Chen," + people, "CN=Ann Chen1," + people, "CN=Ann Chen2," + people}, dns)

	// Create on an existing account updates it.
	p := d.person("a1", "Ann", "Chen", "Ops")
	p.Fields[profile.Title] = "Lead"
	res, err := tg.Create(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, dns[0], res.ID)
	assert.Equal(t, "Lead", d.Entry(t, dns[0]).GetAttributeValue("title"))

	_, err = tg.Create(ctx, d.person("b1", "Bo", "Li", "Nowhere"))
	requireFinal(t, err, `mapper "ad-outgoing"`, "OU=Nowhere")
	t.Logf("missing OU: %v", err)

	noDept := d.person("b2", "Bo", "Li", "")
	_, err = tg.Create(ctx, noDept)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.Contains(t, err.Error(), `mapper "ad-outgoing"`)
}

func TestSambaGetByEachKeyAndOldValues(t *testing.T) {
	d := samba(t, "Ops")
	tg, ctx := d.target(t), context.Background()
	p := d.person("g1", "Gil", "Moss", "Ops")
	dn := create(t, tg, p)

	found := func(name string, q profile.Profile) {
		t.Helper()
		res, err := tg.Get(ctx, q)
		require.NoError(t, err, name)
		assert.False(t, res.Skipped, name)
		assert.Equal(t, dn, res.ID, name)
	}
	found("as is", p)

	byID := d.person("g1", "Gil", "Moss", "Ops")
	byID.Fields[profile.Email] = "someone.else." + d.Run + "@example.test"
	byID.Fields[profile.Username] = byID.Fields[profile.Email]
	found("by employeeID", byID)

	byMail := d.person("zz", "Gil", "Moss", "Ops")
	byMail.Fields[profile.Email] = p.Email()
	delete(byMail.Fields, profile.EmployeeID)
	found("by mail", byMail)

	byOld := d.person("zz", "Gil", "Moss", "Ops")
	byOld.Fields[profile.Email] = "gil.new." + d.Run + "@example.test"
	byOld.Fields[profile.Username] = byOld.Fields[profile.Email]
	delete(byOld.Fields, profile.EmployeeID)
	byOld.OldUserData = profile.Fields{profile.Email: p.Email(), profile.Username: p.Email()}
	found("by old email and username", byOld)

	byOldID := d.person("zz", "Gil", "Moss", "Ops")
	byOldID.Fields[profile.Email] = "gil.other." + d.Run + "@example.test"
	byOldID.Fields[profile.Username] = byOldID.Fields[profile.Email]
	byOldID.OldUserData = profile.Fields{profile.EmployeeID: p.EmployeeID()}
	found("by old employee id", byOldID)

	nobody := d.person("zz", "No", "Body", "Ops")
	res, err := tg.Get(ctx, nobody)
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, "User does not exist", res.Reason)
}

func TestSambaUpdateRenameMove(t *testing.T) {
	d := samba(t, "Ops", "Sales")
	tg, ctx := d.target(t), context.Background()
	boss := d.person("m1", "Meg", "Boss", "Ops")
	bossDN := create(t, tg, boss)

	p := d.person("u1", "Uma", "Diaz", "Ops")
	create(t, tg, p)

	p.Fields[profile.Title] = "Manager"
	p.Fields[profile.DisplayName] = "Uma Diaz-Park"
	p.Fields[profile.Department] = "Sales"
	p.Fields[profile.ManagerEmailAddress] = boss.Email()
	res, err := tg.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "CN=Uma Diaz-Park,OU=Sales,OU=People,"+d.Base, res.ID)
	assert.ElementsMatch(t, []string{"title", "displayName", "department", "manager", "dn"}, res.Details["changed"])
	e := d.Entry(t, res.ID)
	assert.Equal(t, "Manager", e.GetAttributeValue("title"))
	assert.True(t, strings.EqualFold(bossDN, e.GetAttributeValue("manager")))

	again, err := tg.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{}, again.Details["changed"], "nothing differs")

	// A manager email nobody has yet leaves the manager; no manager in HR clears it.
	p.Fields[profile.ManagerEmailAddress] = "not.yet." + d.Run + "@example.test"
	again, err = tg.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.True(t, strings.EqualFold(bossDN, d.Entry(t, again.ID).GetAttributeValue("manager")))
	delete(p.Fields, profile.ManagerEmailAddress)
	again, err = tg.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"manager"}, again.Details["changed"])
	assert.Empty(t, d.Entry(t, again.ID).GetAttributeValue("manager"))
	p.Fields[profile.ManagerEmailAddress] = boss.Email()
	_, err = tg.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)

	// An email change: mail, UPN and sAMAccountName follow.
	moved := d.person("u1", "Uma", "Diaz", "Sales")
	moved.Fields[profile.DisplayName] = "Uma Diaz-Park"
	moved.Fields[profile.Title] = "Manager"
	moved.Fields[profile.ManagerEmailAddress] = boss.Email()
	moved.Fields[profile.Email] = "uma.park." + d.Run + "@example.test"
	moved.Fields[profile.Username] = moved.Fields[profile.Email]
	moved.OldUserData = profile.Fields{profile.Email: p.Email(), profile.Username: p.Email()}
	res, err = tg.Update(ctx, moved, connectors.UpdateOptions{})
	require.NoError(t, err)
	e = d.Entry(t, res.ID)
	assert.Equal(t, moved.Email(), e.GetAttributeValue("mail"))
	assert.Equal(t, "uma.park."+d.Run, e.GetAttributeValue("sAMAccountName"))

	missing := d.person("u9", "Ned", "Nil", "Ops")
	res, err = tg.Update(ctx, missing, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, "User does not exist", res.Reason)
	res, err = tg.Update(ctx, missing, connectors.UpdateOptions{CreateIfNotExists: true})
	require.NoError(t, err)
	assert.False(t, res.Skipped)
	assert.Equal(t, "CN=Ned Nil,OU=Ops,OU=People,"+d.Base, res.ID)
}

func TestSambaDisableEnable(t *testing.T) {
	d := samba(t, "Ops")
	group := "CN=Disabled Users,OU=People," + d.Base
	req := ldap.NewAddRequest(group, nil)
	req.Attribute("objectClass", []string{"top", "group"})
	req.Attribute("sAMAccountName", []string{"disabled-" + d.Run})
	require.NoError(t, d.Admin.Add(req))
	tg := d.target(t, func(c *activedirectory.Config) { c.DisabledUsersGroup = group })
	ctx := context.Background()

	p := d.person("e1", "Eve", "Ng", "Ops")
	dn := create(t, tg, p)

	res, err := tg.Enable(ctx, p)
	require.NoError(t, err)
	assert.True(t, res.Active)
	assert.Equal(t, "512", d.Entry(t, dn).GetAttributeValue("userAccountControl"))
	res, err = tg.Enable(ctx, p)
	require.NoError(t, err)
	assert.True(t, res.Skipped)

	res, err = tg.Disable(ctx, p)
	require.NoError(t, err)
	assert.False(t, res.Skipped)
	assert.False(t, res.Active)
	e := d.Entry(t, dn)
	assert.Equal(t, "514", e.GetAttributeValue("userAccountControl"))
	assert.Contains(t, e.GetAttributeValues("memberOf"), group)

	res, err = tg.Disable(ctx, p)
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, "User is already disabled", res.Reason)

	res, err = tg.Update(ctx, p, connectors.UpdateOptions{AllowEnable: true})
	require.NoError(t, err)
	assert.True(t, res.Active)
	e = d.Entry(t, dn)
	assert.Equal(t, "512", e.GetAttributeValue("userAccountControl"))
	assert.NotContains(t, e.GetAttributeValues("memberOf"), group)

	res, err = tg.Disable(ctx, d.person("e9", "No", "One", "Ops"))
	require.NoError(t, err)
	assert.True(t, res.Skipped)

	off := d.target(t, func(c *activedirectory.Config) { c.Operations.Disable = false })
	res, err = off.Disable(ctx, p)
	require.NoError(t, err)
	assert.True(t, res.Skipped)
}

func TestSambaSetPassword(t *testing.T) {
	d := samba(t, "Ops")
	tg, ctx := d.target(t), context.Background()
	p := d.person("p1", "Pat", "Kim", "Ops")
	dn := create(t, tg, p)

	weak := "aaaaaaaaaaaaaa"
	_, err := tg.SetPassword(ctx, p, weak)
	requireFinal(t, err, "password policy")
	assert.NotContains(t, err.Error(), weak)
	t.Logf("policy violation: %v", err)

	password := "Ilm-" + d.Run + "-Xy9!"
	_, err = tg.SetPassword(ctx, p, password)
	require.NoError(t, err)
	_, err = tg.Enable(ctx, p)
	require.NoError(t, err)

	requireMustChange(t, d, dn, password)
	requireMustChange(t, d, p.Email(), password)
	err = d.bind(t, dn, password+"x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data 52e")
	assert.Equal(t, "0", d.Entry(t, dn, "pwdLastSet").GetAttributeValue("pwdLastSet"))

	plain := d.target(t, func(c *activedirectory.Config) { c.URL = strings.Replace(c.URL, "ldaps://", "ldap://", 1) })
	_, err = plain.SetPassword(ctx, p, password)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.NotContains(t, err.Error(), password)
}

func (d *domain) bind(t *testing.T, user, pw string) error {
	t.Helper()
	conn, err := ldap.DialURL(d.URL, ldap.DialWithTLSConfig(d.TLS))
	require.NoError(t, err)
	defer conn.Close()
	return conn.Bind(user, pw)
}

// requireMustChange asserts that pw is user's password and must be changed (pwdLastSet=0):
// the bind is answered "must change password" (49, data 773); a wrong one would be "invalid
// credentials" (49, data 52e).
func requireMustChange(t *testing.T, d *domain, user, pw string) {
	t.Helper()
	err := d.bind(t, user, pw)
	var le *ldap.Error
	require.ErrorAs(t, err, &le)
	assert.Equal(t, uint16(ldap.LDAPResultInvalidCredentials), le.ResultCode)
	assert.Contains(t, err.Error(), "data 773", "the password is right and must be changed")
}

// Activate on a real DC: the password set while the account is disabled, delivered, then
// the account enabled; a second Activate finds it enabled and leaves the password alone.
func TestSambaActivate(t *testing.T) {
	d := samba(t, "Ops")
	tg, ctx := d.target(t), context.Background()
	p := d.person("a1", "Ada", "Kim", "Ops")
	dn := create(t, tg, p)

	password := "Ilm-" + d.Run + "-Ab7!"
	delivered := 0
	res, err := tg.Activate(ctx, p, password, func(context.Context, connectors.Result) error {
		delivered++
		assert.Equal(t, "514", d.Entry(t, dn, "userAccountControl").GetAttributeValue("userAccountControl"),
			"still disabled while the password is delivered")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, delivered)
	assert.True(t, res.Active)
	assert.Equal(t, "512", d.Entry(t, dn, "userAccountControl").GetAttributeValue("userAccountControl"))
	requireMustChange(t, d, dn, password)

	res, err = tg.Activate(ctx, p, "Ilm-"+d.Run+"-Other9!", func(context.Context, connectors.Result) error {
		t.Error("deliver called for an enabled account")
		return nil
	})
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	requireMustChange(t, d, dn, password)
}

// On a real DC, the enable after the mail reaches the account whose password was set (by
// its objectGUID), not whatever holds its DN by then: here the person's account was renamed
// while the mail went out and a hand-made account took its DN.
func TestSambaActivateEnablesTheAccountItSetThePasswordOf(t *testing.T) {
	d := samba(t, "Ops")
	tg, ctx := d.target(t), context.Background()
	p := d.person("a2", "Bea", "Kim", "Ops")
	dn := create(t, tg, p)
	parent := dn[strings.Index(dn, ",")+1:]
	moved := "CN=Moved " + d.Run + "," + parent

	password := "Ilm-" + d.Run + "-Cd8!"
	_, err := tg.Activate(ctx, p, password, func(context.Context, connectors.Result) error {
		require.NoError(t, d.Admin.ModifyDN(ldap.NewModifyDNRequest(dn, "CN=Moved "+d.Run, true, "")))
		impostor := ldap.NewAddRequest(dn, nil)
		impostor.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		impostor.Attribute("sAMAccountName", []string{"imp" + d.Run})
		impostor.Attribute("userAccountControl", []string{"514"})
		return d.Admin.Add(impostor)
	})
	require.NoError(t, err)
	assert.Equal(t, "514", d.Entry(t, dn, "userAccountControl").GetAttributeValue("userAccountControl"),
		"the account that took the DN stays disabled")
	assert.Equal(t, "512", d.Entry(t, moved, "userAccountControl").GetAttributeValue("userAccountControl"),
		"the person's own account is enabled")
	requireMustChange(t, d, moved, password)
}

func TestSambaHostileNames(t *testing.T) {
	d := samba(t, "R&D, EMEA", "O'Brien (Ops)", "#Zoë", "Grade=A; <Ops>")
	tg, ctx := d.target(t), context.Background()
	for _, tc := range []struct{ given, sur, dept string }{
		{"John", "Doe, Jr.", "R&D, EMEA"},
		{"Sean", "O'Brien (Ops)", "O'Brien (Ops)"},
		{"Zoë", "Åberg+\"Q\"", "#Zoë"},
		{"Probe", "a=b", "Grade=A; <Ops>"},
	} {
		p := d.person("h"+tc.given[:1], tc.given, tc.sur, tc.dept)
		res, err := tg.Create(ctx, p)
		require.NoError(t, err, tc)
		parsed, err := ldap.ParseDN(res.ID)
		require.NoError(t, err)
		assert.Equal(t, tc.given+" "+tc.sur, parsed.RDNs[0].Attributes[0].Value)
		assert.Equal(t, tc.dept, parsed.RDNs[1].Attributes[0].Value)
		got, err := tg.Get(ctx, p)
		require.NoError(t, err)
		// The DC writes some escapes its own way (Samba: "=" as \3D): the same DN.
		stored, err := ldap.ParseDN(got.ID)
		require.NoError(t, err)
		assert.True(t, parsed.EqualFold(stored), "%s is %s", res.ID, got.ID)
		p.Fields[profile.Title] = "Moved"
		p.Fields[profile.Department] = "R&D, EMEA"
		p.Fields[profile.DisplayName] = tc.sur + ", " + tc.given
		upd, err := tg.Update(ctx, p, connectors.UpdateOptions{})
		require.NoError(t, err, tc)
		assert.Equal(t, "Moved", d.Entry(t, upd.ID).GetAttributeValue("title"))
	}
	for _, hostile := range []string{"*)(objectClass=*", "*", "\x00", `\2a`} {
		p := d.person("x1", "Eve", "Il", "Ops")
		p.Fields[profile.Email] = hostile
		p.Fields[profile.Username] = hostile
		p.Fields[profile.EmployeeID] = hostile
		res, err := tg.Get(ctx, p)
		require.NoError(t, err, "%q", hostile)
		assert.True(t, res.Skipped, "%q must match nobody", hostile)
	}
}

func TestSambaUntrustedCertificateIsFinal(t *testing.T) {
	d := samba(t)
	tg := d.target(t, func(c *activedirectory.Config) { c.CAFile, c.InsecureSkipVerify = "", false })
	_, err := tg.Get(context.Background(), d.person("c1", "Cy", "Ro", "Ops"))
	require.Error(t, err)
	assert.False(t, connectors.Retryable(err), "a certificate the system does not trust will not become trusted: %v", err)
	assert.NotContains(t, err.Error(), d.Password)
}

func TestSambaNeverTakesOverAnotherPersonsAccount(t *testing.T) {
	d := samba(t, "Ops")
	tg, ctx := d.target(t), context.Background()
	dn := create(t, tg, d.person("s1", "Sam", "Lee", "Ops"))

	// Another person whose login and email collide with Sam's, with another employee id.
	other := d.person("s1", "Sam", "Lee", "Ops")
	other.Fields[profile.EmployeeID] = "other-" + d.Run
	other.Fields[profile.Title] = "Intruder"
	for op, write := range map[string]func() (connectors.Result, error){
		"create": func() (connectors.Result, error) { return tg.Create(ctx, other) },
		"update": func() (connectors.Result, error) {
			return tg.Update(ctx, other, connectors.UpdateOptions{AllowEnable: true})
		},
		"disable": func() (connectors.Result, error) { return tg.Disable(ctx, other) },
	} {
		_, err := write()
		require.ErrorIs(t, err, connectors.ErrNotOwned, op)
		assert.ErrorContains(t, err, "belongs to employee s1"+d.Run+", not other-"+d.Run, op)
		assert.False(t, connectors.Retryable(err), op)
	}
	assert.Equal(t, "Engineer", d.Entry(t, dn).GetAttributeValue("title"), "the first account is untouched")
}

// domainWide is a target whose base DN is the whole domain, as an operator would set it, and
// whose mapper places accounts under the run's OU.
func (d *domain) domainWide(t *testing.T, edit ...func(*activedirectory.Config)) *activedirectory.Target {
	t.Helper()
	stock, err := os.ReadFile("../../mappers/ad-outgoing.yaml")
	require.NoError(t, err)
	text := strings.Replace(string(stock), `",OU=People,", basedn)`, `",OU=People,`+d.Base+`")`, 1)
	require.NotEqual(t, string(stock), text)
	m, err := mappers.Parse("ad-outgoing-run", []byte(text))
	require.NoError(t, err)
	return d.target(t, append([]func(*activedirectory.Config){func(c *activedirectory.Config) {
		c.BaseDN, c.Mapper = os.Getenv("ILM_TEST_AD_BASE_DN"), m
	}}, edit...)...)
}

// addUnlinked adds an account the way an administrator would by hand: no employeeID.
func (d *domain) addUnlinked(t *testing.T, sam string) string {
	t.Helper()
	dn := "CN=" + sam + ",OU=People," + d.Base
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	req.Attribute("sAMAccountName", []string{sam})
	req.Attribute("mail", []string{sam + "@example.test"})
	req.Attribute("title", []string{"Hand-made"})
	require.NoError(t, d.Admin.Add(req))
	return dn
}

// The account-takeover case: a new hire whose login is "administrator" must not move,
// rename or stamp the domain's built-in Administrator.
func TestSambaNeverTouchesTheBuiltInAdministrator(t *testing.T) {
	d := samba(t, "Sales")
	ctx := context.Background()
	admin := "CN=Administrator,CN=Users," + os.Getenv("ILM_TEST_AD_BASE_DN")
	hire := d.person("8002", "Ad", "Min", "Sales")
	hire.Fields[profile.Email], hire.Fields[profile.Username] = "administrator@example.test", "administrator@example.test"
	for _, adopt := range []bool{false, true} {
		tg := d.domainWide(t, func(c *activedirectory.Config) { c.Binding.AdoptUnlinked = adopt })
		_, err := tg.Create(ctx, hire)
		require.ErrorIs(t, err, connectors.ErrNotOwned)
		assert.ErrorContains(t, err, "CN=Administrator,CN=Users")
		assert.ErrorContains(t, err, "is protected")
		_, err = tg.Update(ctx, hire, connectors.UpdateOptions{AllowEnable: true})
		require.ErrorIs(t, err, connectors.ErrNotOwned)
	}
	e := d.Entry(t, admin, "employeeID")
	assert.Equal(t, admin, e.DN, "not moved or renamed")
	assert.Empty(t, e.GetAttributeValue("employeeID"), "not stamped with the new hire's id")
}

// An account made by hand (no employeeID) found by sAMAccountName or mail is adopted only
// when the instance says so, and never when it belongs to a privileged group.
func TestSambaUnlinkedAccountsAreAdoptedOnlyWhenAllowed(t *testing.T) {
	d := samba(t, "Ops")
	ctx := context.Background()
	sam := "jdoe" + d.Run
	dn := d.addUnlinked(t, sam)
	hire := d.person("8003", "John", "Doe", "Ops")
	hire.Fields[profile.Email], hire.Fields[profile.Username] = sam+"@example.test", sam+"@example.test"

	tg := d.target(t)
	for op, write := range map[string]func() (connectors.Result, error){
		"create":       func() (connectors.Result, error) { return tg.Create(ctx, hire) },
		"disable":      func() (connectors.Result, error) { return tg.Disable(ctx, hire) },
		"set password": func() (connectors.Result, error) { return tg.SetPassword(ctx, hire, "Ilm-"+d.Run+"-Xy9!") },
	} {
		_, err := write()
		require.ErrorIs(t, err, connectors.ErrNotOwned, op)
		assert.ErrorContains(t, err, dn, op)
		assert.ErrorContains(t, err, "adopt_unlinked_accounts", op)
	}
	e := d.Entry(t, dn, "employeeID", "pwdLastSet")
	assert.Empty(t, e.GetAttributeValue("employeeID"))
	assert.Equal(t, "Hand-made", e.GetAttributeValue("title"))
	assert.Equal(t, "0", e.GetAttributeValue("pwdLastSet"), "no password was set")

	adopting := d.target(t, func(c *activedirectory.Config) { c.Binding.AdoptUnlinked = true })
	// A member of Domain Admins is never adopted.
	domainAdmins := "CN=Domain Admins,CN=Users," + os.Getenv("ILM_TEST_AD_BASE_DN")
	grant := ldap.NewModifyRequest(domainAdmins, nil)
	grant.Add("member", []string{dn})
	require.NoError(t, d.Admin.Modify(grant))
	_, err := adopting.Create(ctx, hire)
	require.ErrorIs(t, err, connectors.ErrNotOwned)
	assert.ErrorContains(t, err, "member of Domain Admins")
	revoke := ldap.NewModifyRequest(domainAdmins, nil)
	revoke.Delete("member", []string{dn})
	require.NoError(t, d.Admin.Modify(revoke))

	res, err := adopting.Create(ctx, hire)
	require.NoError(t, err)
	assert.Equal(t, hire.EmployeeID(), d.Entry(t, res.ID, "employeeID").GetAttributeValue("employeeID"), "adopting binds it")
}

// The stock mapper keeps sAMAccountName within AD's 20 characters, and the account is still
// found by its full email.
func TestSambaLongLogonNameIsCut(t *testing.T) {
	d := samba(t, "Ops")
	tg := d.target(t)
	p := d.person("l1", "Maximiliana", "Longname", "Ops")
	p.Fields[profile.Email] = "maximiliana.longname." + d.Run + "@example.test"
	p.Fields[profile.Username] = p.Fields[profile.Email]
	dn := create(t, tg, p)
	assert.Equal(t, "maximiliana.longname", d.Entry(t, dn).GetAttributeValue("sAMAccountName"))
	res, err := tg.Get(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, dn, res.ID)
}
