package activedirectory

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The connector's rules over an in-memory directory (fake_test.go); samba_test.go runs the
// same operations against a real DC.

const ops = "OU=Ops,OU=People," + fakeBase

// hire is a profile of the Ops department whose login is unique to id.
func hire(id, given, sur string) profile.Profile {
	email := strings.ToLower(given+"."+id) + "@example.test"
	return profile.Profile{Fields: profile.Fields{
		profile.EmployeeID: id, profile.GivenName: given, profile.Surname: sur, profile.DisplayName: given + " " + sur,
		profile.Email: email, profile.Username: email, profile.Department: "Ops", profile.Title: "Engineer",
	}}
}

func TestCreateAddsADisabledAccountUnderTheNextFreeCN(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	var dns []string
	for _, id := range []string{"a1", "a2", "a3"} {
		res, err := tg.Create(ctx, hire(id, "Ann", "Chen"))
		require.NoError(t, err)
		assert.True(t, res.Success)
		assert.False(t, res.Active)
		assert.Equal(t, connectors.OpCreate, res.Action)
		dns = append(dns, res.ID)
		assert.Equal(t, "514", dir.get(res.ID, "userAccountControl"), "created disabled")
		assert.Equal(t, id, dir.get(res.ID, "employeeID"), "bound to the person")
	}
	assert.Equal(t, []string{"CN=Ann Chen," + ops, "CN=Ann Chen1," + ops, "CN=Ann Chen2," + ops}, dns)
	assert.Equal(t, 3, dir.dials, "one connection per operation")
	dir.requireClosed(t)
}

func TestCreateOfAnExistingAccountUpdatesIt(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	p := hire("a1", "Ann", "Chen")
	dn := create(t, tg, p)
	p.Fields[profile.Title] = "Lead"
	res, err := tg.Create(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, connectors.OpCreate, res.Action)
	assert.Equal(t, dn, res.ID)
	assert.Equal(t, []string{"title"}, res.Details["changed"])
	assert.Equal(t, "Lead", dir.get(dn, "title"))
	dir.requireClosed(t)
}

// A create refused because the account appeared since the lookup converges on it, over the
// operation's one connection.
func TestRefusedCreateConvergesOnTheAccountThatAppeared(t *testing.T) {
	dir := newDirectory(t)
	tg := dir.target(t)
	p := hire("a1", "Ann", "Chen")
	var raced string
	dir.beforeAdd = func() {
		dir.beforeAdd = nil
		raced = dir.user("Ann Chen (HR)", ops, map[string][]string{"sAMAccountName": {"ann.a1"}, "employeeID": {"a1"}})
	}
	res, err := tg.Create(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, connectors.OpCreate, res.Action)
	assert.Equal(t, "CN=Ann Chen,"+ops, res.ID, "found again, updated and renamed to the mapped CN")
	assert.NotEqual(t, raced, res.ID)
	assert.Equal(t, "Engineer", dir.get(res.ID, "title"))
	assert.Equal(t, 1, dir.dials)
	dir.requireClosed(t)
}

func TestUpdateRenamesAndMoves(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	boss := hire("m1", "Meg", "Boss")
	bossDN := create(t, tg, boss)
	p := hire("u1", "Uma", "Diaz")
	dn := create(t, tg, p)
	// Someone already holds the new CN in Sales: the account takes the next number there.
	dir.user("Uma Diaz-Park", "OU=Sales,OU=People,"+fakeBase, map[string][]string{"sAMAccountName": {"other"}})

	p.Fields[profile.DisplayName] = "Uma Diaz-Park"
	p.Fields[profile.Department] = "Sales"
	p.Fields[profile.ManagerEmailAddress] = boss.Email()
	res, err := tg.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	want := "CN=Uma Diaz-Park1,OU=Sales,OU=People," + fakeBase
	assert.Equal(t, want, res.ID)
	assert.ElementsMatch(t, []string{"displayName", "department", "manager", "dn"}, res.Details["changed"])
	assert.Nil(t, dir.entry(dn), "moved away")
	assert.Equal(t, "Sales", dir.get(want, "department"))
	assert.True(t, sameDN(bossDN, dir.get(want, "manager")))

	again, err := tg.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, want, again.ID)
	assert.Equal(t, []string{}, again.Details["changed"], "a numbered CN is the mapped CN: no rename")
	dir.requireClosed(t)
}

func TestUpdateOfAMissingAccountCreatesItOnlyWhenAsked(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	p := hire("n1", "Ned", "Nil")
	res, err := tg.Update(ctx, p, connectors.UpdateOptions{})
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, connectors.ReasonNoAccount, res.Reason)
	assert.Empty(t, dir.writes)

	res, err = tg.Update(ctx, p, connectors.UpdateOptions{CreateIfNotExists: true})
	require.NoError(t, err)
	assert.Equal(t, connectors.OpUpdate, res.Action)
	assert.Equal(t, "CN=Ned Nil,"+ops, res.ID)
	dir.requireClosed(t)
}

func TestDisableSkipsAMissingOrDisabledAccount(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	res, err := tg.Disable(ctx, hire("e9", "No", "One"))
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, connectors.ReasonNoAccount, res.Reason)

	p := hire("e1", "Eve", "Ng")
	dn := create(t, tg, p)
	dir.writes = nil
	res, err = tg.Disable(ctx, p)
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, connectors.ReasonAlreadyDisabled, res.Reason)
	assert.Equal(t, dn, res.ID)
	assert.Empty(t, dir.writes, "nothing written")

	_, err = tg.Enable(ctx, p)
	require.NoError(t, err)
	res, err = tg.Disable(ctx, p)
	require.NoError(t, err)
	assert.False(t, res.Skipped)
	assert.False(t, res.Active)
	assert.Equal(t, "514", dir.get(dn, "userAccountControl"))
	assert.Contains(t, dir.view(dir.entry(dn), []string{"memberOf"}).GetAttributeValues("memberOf"), tg.cfg.DisabledUsersGroup)
	dir.requireClosed(t)
}

// The switched-off wording is the contract's, and a switched-off operation never dials.
func TestSwitchedOffOperationsAreSkippedInTheContractsWords(t *testing.T) {
	dir := newDirectory(t)
	tg := dir.target(t, func(c *Config) { c.Operations = Operations{} })
	ctx, p := context.Background(), hire("o1", "Oz", "Off")
	for op, run := range map[connectors.Operation]func() (connectors.Result, error){
		connectors.OpCreate:  func() (connectors.Result, error) { return tg.Create(ctx, p) },
		connectors.OpUpdate:  func() (connectors.Result, error) { return tg.Update(ctx, p, connectors.UpdateOptions{}) },
		connectors.OpDisable: func() (connectors.Result, error) { return tg.Disable(ctx, p) },
		connectors.OpEnable:  func() (connectors.Result, error) { return tg.Enable(ctx, p) },
	} {
		res, err := run()
		require.NoError(t, err, op)
		assert.True(t, res.Skipped, op)
		assert.Equal(t, string(op)+" is turned off for this instance", res.Reason)
	}
	assert.Zero(t, dir.dials)
}

// The account-takeover case: an account found by login or email that is not bound to the
// person — unlinked, someone else's, or protected — is never written, whatever the
// operation, and whether or not the instance adopts unlinked accounts.
func TestWritesRefuseAccountsNotBoundToThePerson(t *testing.T) {
	nested := "CN=Tier0,OU=People," + fakeBase
	for _, tc := range []struct {
		name  string
		attrs map[string][]string
		// admin puts the account in a group nested in Domain Admins.
		admin bool
		adopt bool
		want  string
	}{
		{name: "unlinked", want: "stores no employee id"},
		{name: "another person's", attrs: map[string][]string{"employeeID": {"9999"}}, adopt: true, want: "belongs to employee 9999, not 8003"},
		{name: "adminCount=1", attrs: map[string][]string{"adminCount": {"1"}}, adopt: true, want: "is protected (adminCount=1)"},
		{name: "RID 500, linked", attrs: map[string][]string{"objectSid": {string(domainSID(500))}, "employeeID": {"8003"}}, adopt: true, want: "is protected (a built-in account, RID 500)"},
		{name: "Domain Admins through a nested group", admin: true, adopt: true, want: "is protected (member of Domain Admins)"},
	} {
		dir := newDirectory(t)
		attrs := map[string][]string{"sAMAccountName": {"jdoe"}, "mail": {"jdoe@example.test"}, "title": {"Hand-made"}, "userAccountControl": {"514"}}
		for k, v := range tc.attrs {
			attrs[k] = v
		}
		dn := dir.user("J Doe", ops, attrs)
		if tc.admin {
			dir.put(nested, map[string][]string{"objectClass": {"top", "group"}, "objectSid": {string(domainSID(1060))}, "member": {dn}})
			require.NoError(t, (&fakeConn{d: dir}).Modify(addMember("CN=Domain Admins,CN=Users,"+fakeBase, nested)))
		}
		dir.writes = nil
		tg := dir.target(t, func(c *Config) { c.Binding.AdoptUnlinked = tc.adopt })
		p := hire("8003", "John", "Doe")
		p.Fields[profile.Email], p.Fields[profile.Username] = "jdoe@example.test", "jdoe@example.test"
		ctx := context.Background()
		delivered := false
		for _, w := range []struct {
			op    connectors.Operation
			write func() (connectors.Result, error)
		}{
			{connectors.OpCreate, func() (connectors.Result, error) { return tg.Create(ctx, p) }},
			{connectors.OpUpdate, func() (connectors.Result, error) {
				return tg.Update(ctx, p, connectors.UpdateOptions{AllowEnable: true})
			}},
			{connectors.OpDisable, func() (connectors.Result, error) { return tg.Disable(ctx, p) }},
			{connectors.OpEnable, func() (connectors.Result, error) { return tg.Enable(ctx, p) }},
			{connectors.OpSetPassword, func() (connectors.Result, error) { return tg.SetPassword(ctx, p, "Temp-Pass-123!") }},
			// The activation's one-lookup path (password, mail, enable) is held to the same rule.
			{connectors.OpSetPassword, func() (connectors.Result, error) {
				return tg.Activate(ctx, p, "Temp-Pass-123!", func(context.Context, connectors.Result) error { delivered = true; return nil })
			}},
		} {
			op := w.op
			res, err := w.write()
			require.ErrorIs(t, err, connectors.ErrNotOwned, "%s: %s", tc.name, op)
			assert.ErrorContains(t, err, tc.want, "%s: %s", tc.name, op)
			assert.ErrorContains(t, err, dn, "%s: %s", tc.name, op)
			assert.False(t, res.Success, "%s: %s", tc.name, op)
			assert.Equal(t, op, res.Action, "%s: %s", tc.name, op)
		}
		assert.False(t, delivered, "%s: no password is mailed for an account not bound to the person", tc.name)
		assert.Empty(t, dir.writes, tc.name)
		assert.Equal(t, "Hand-made", dir.get(dn, "title"), tc.name)
		dir.requireClosed(t)
	}
}

func TestAnUnlinkedAccountIsAdoptedWhenTheInstanceSaysSo(t *testing.T) {
	dir := newDirectory(t)
	dn := dir.user("J Doe", ops, map[string][]string{"sAMAccountName": {"jdoe"}, "mail": {"jdoe@example.test"}})
	tg := dir.target(t, func(c *Config) { c.Binding.AdoptUnlinked = true })
	p := hire("8003", "John", "Doe")
	p.Fields[profile.Email], p.Fields[profile.Username] = "jdoe@example.test", "jdoe@example.test"
	res, err := tg.Create(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, "CN=John Doe,"+ops, res.ID, "renamed to the mapped CN")
	assert.Nil(t, dir.entry(dn))
	assert.Equal(t, "8003", dir.get(res.ID, "employeeID"), "adopting binds it")
	dir.requireClosed(t)
}

func TestSetPasswordOnlyOnADisabledAccount(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	p := hire("p1", "Pat", "Kim")
	dn := create(t, tg, p)

	weak := "short"
	_, err := tg.SetPassword(ctx, p, weak)
	require.ErrorIs(t, err, connectors.ErrInvalid)
	assert.ErrorContains(t, err, "password policy")
	assert.NotContains(t, err.Error(), weak)

	_, err = tg.SetPassword(ctx, p, "")
	require.ErrorIs(t, err, connectors.ErrInvalid)

	res, err := tg.SetPassword(ctx, p, "Temp-Pass-123!")
	require.NoError(t, err)
	assert.False(t, res.Skipped)
	assert.Equal(t, unicodePwd("Temp-Pass-123!"), dir.get(dn, "unicodePwd"))
	assert.Equal(t, "0", dir.get(dn, "pwdLastSet"))

	_, err = tg.Enable(ctx, p)
	require.NoError(t, err)
	dir.writes = nil
	res, err = tg.SetPassword(ctx, p, "Other-Pass-456!")
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, connectors.ReasonEnabledNoReset, res.Reason)
	assert.Empty(t, dir.writes, "a person's working password is never replaced")

	_, err = tg.SetPassword(ctx, hire("p9", "No", "Body"), "Temp-Pass-123!")
	require.ErrorIs(t, err, connectors.ErrNotFound)
	dir.requireClosed(t)
}

func TestEnableSkipsAnEnabledAccount(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	p := hire("e1", "Eve", "Ng")
	dn := create(t, tg, p)
	require.NoError(t, (&fakeConn{d: dir}).Modify(addMember(tg.cfg.DisabledUsersGroup, dn)))
	res, err := tg.Enable(ctx, p)
	require.NoError(t, err)
	assert.True(t, res.Active)
	assert.Equal(t, "512", dir.get(dn, "userAccountControl"))
	assert.Empty(t, dir.view(dir.entry(dn), []string{"memberOf"}).GetAttributeValues("memberOf"))

	res, err = tg.Enable(ctx, p)
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, ReasonAlreadyEnabled, res.Reason)

	_, err = tg.Enable(ctx, hire("e9", "No", "One"))
	require.ErrorIs(t, err, connectors.ErrNotFound)
	dir.requireClosed(t)
}

// Activate does what SetPassword, then Enable, do, with the one lookup of SetPassword: the
// password set, then deliver called on the still disabled account, then the account enabled.
func TestActivateSetsDeliversAndEnablesWithOneLookup(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	p := hire("a1", "Al", "Yu")
	dn := create(t, tg, p)
	require.NoError(t, (&fakeConn{d: dir}).Modify(addMember(tg.cfg.DisabledUsersGroup, dn)))
	before := dir.searches
	_, err := tg.SetPassword(ctx, p, "Temp-Pass-123!")
	require.NoError(t, err)
	setPasswordSearches := dir.searches - before

	var delivered []connectors.Result
	before = dir.searches
	res, err := tg.Activate(ctx, p, "Temp-Pass-456!", func(_ context.Context, set connectors.Result) error {
		assert.Equal(t, unicodePwd("Temp-Pass-456!"), dir.get(dn, "unicodePwd"), "delivered after the password is set")
		assert.Equal(t, "514", dir.get(dn, "userAccountControl"), "and before the account is enabled")
		delivered = append(delivered, set)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, setPasswordSearches, dir.searches-before, "no second lookup for the enable")
	require.Len(t, delivered, 1)
	assert.Equal(t, connectors.OpSetPassword, delivered[0].Action)
	assert.Equal(t, dir.get(dn, "sAMAccountName"), delivered[0].Username)
	assert.Equal(t, connectors.OpEnable, res.Action)
	assert.True(t, res.Success && res.Active && !res.Skipped)
	assert.Equal(t, "512", dir.get(dn, "userAccountControl"))
	assert.Equal(t, "0", dir.get(dn, "pwdLastSet"))
	assert.Empty(t, dir.view(dir.entry(dn), []string{"memberOf"}).GetAttributeValues("memberOf"))

	// Enabled now: skipped as SetPassword skips it, nothing delivered, nothing written.
	dir.writes = nil
	res, err = tg.Activate(ctx, p, "Other-Pass-789!", func(context.Context, connectors.Result) error {
		t.Error("deliver called for an enabled account")
		return nil
	})
	require.NoError(t, err)
	assert.True(t, res.Skipped)
	assert.Equal(t, connectors.ReasonEnabledNoReset, res.Reason)
	assert.Empty(t, dir.writes, "a person's working password is never replaced")
	dir.requireClosed(t)
}

// A deliver that fails leaves the account disabled with its error; a retry starts over.
func TestActivateEnablesOnlyAfterADelivery(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	p := hire("a2", "Bo", "Yu")
	dn := create(t, tg, p)
	mailDown := errors.New("mail server down")
	_, err := tg.Activate(ctx, p, "Temp-Pass-123!", func(context.Context, connectors.Result) error { return mailDown })
	require.ErrorIs(t, err, mailDown)
	assert.Equal(t, "514", dir.get(dn, "userAccountControl"), "not enabled with a password nobody has")

	_, err = tg.Activate(ctx, p, "Temp-Pass-456!", func(context.Context, connectors.Result) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, "512", dir.get(dn, "userAccountControl"))
	assert.Equal(t, unicodePwd("Temp-Pass-456!"), dir.get(dn, "unicodePwd"))

	_, err = tg.Activate(ctx, hire("a9", "No", "Body"), "Temp-Pass-123!", func(context.Context, connectors.Result) error { return nil })
	require.ErrorIs(t, err, connectors.ErrNotFound)
	_, err = tg.Activate(ctx, p, "short", func(context.Context, connectors.Result) error { return nil })
	require.NoError(t, err, "enabled: skipped before the password is checked by the domain")
	dir.requireClosed(t)
}

// The account enabled is the one whose password was set, addressed by its objectGUID: when,
// while the mail goes out, the person's account moves away and another account takes its DN
// (another person's, disabled), that other account is left as it was.
func TestActivateEnablesTheAccountItSetThePasswordOfNotItsDN(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	p := hire("a3", "Cy", "Yu")
	dn := create(t, tg, p)
	parent, err := parentDN(dn)
	require.NoError(t, err)
	other := hire("a4", "Di", "Yu")
	c := &fakeConn{d: dir}
	_, err = tg.Activate(ctx, p, "Temp-Pass-123!", func(context.Context, connectors.Result) error {
		require.NoError(t, c.ModifyDN(ldap.NewModifyDNRequest(dn, "CN=Moved Away", true, "")))
		impostor := ldap.NewAddRequest(dn, nil)
		impostor.Attribute("sAMAccountName", []string{"di.yu"})
		impostor.Attribute("employeeID", []string{other.EmployeeID()})
		impostor.Attribute("userAccountControl", []string{"514"})
		return c.Add(impostor)
	})
	require.NoError(t, err)
	assert.Equal(t, "514", dir.get(dn, "userAccountControl"), "the account now at the DN stays disabled")
	assert.Empty(t, dir.get(dn, "unicodePwd"))
	moved := "CN=Moved Away," + parent
	assert.Equal(t, "512", dir.get(moved, "userAccountControl"), "the person's own account is enabled")
	assert.Equal(t, unicodePwd("Temp-Pass-123!"), dir.get(moved, "unicodePwd"))
}

// Every operation closes the one connection it opened, whichever way it ends.
func TestEveryOperationClosesItsConnection(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	p := hire("c1", "Cy", "Ro")
	nowhere := hire("c2", "Bo", "Li")
	nowhere.Fields[profile.Department] = "Nowhere"
	other := hire("c3", "Cy", "Ro")
	other.Fields[profile.Email], other.Fields[profile.Username] = p.Email(), p.Email()
	noID := hire("", "No", "Id")

	for name, run := range map[string]func() (connectors.Result, error){
		"create":             func() (connectors.Result, error) { return tg.Create(ctx, p) },
		"get":                func() (connectors.Result, error) { return tg.Get(ctx, p) },
		"get of nobody":      func() (connectors.Result, error) { return tg.Get(ctx, nowhere) },
		"create, OU missing": func() (connectors.Result, error) { return tg.Create(ctx, nowhere) },
		"update of another":  func() (connectors.Result, error) { return tg.Update(ctx, other, connectors.UpdateOptions{}) },
		"disable":            func() (connectors.Result, error) { return tg.Disable(ctx, p) },
		"no employee id":     func() (connectors.Result, error) { return tg.Create(ctx, noID) },
		"set password":       func() (connectors.Result, error) { return tg.SetPassword(ctx, p, "Temp-Pass-123!") },
	} {
		before := dir.dials
		_, _ = run()
		assert.LessOrEqual(t, dir.dials-before, 1, name)
		require.Equal(t, dir.dials, dir.closes, name)
	}
}

func TestGetDescribesTheAccount(t *testing.T) {
	dir := newDirectory(t)
	tg := dir.target(t)
	p := hire("g1", "Gil", "Moss")
	dn := create(t, tg, p)
	res, err := tg.Get(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, connectors.OpGet, res.Action)
	assert.Equal(t, "ad", res.Instance)
	assert.Equal(t, dn, res.ID)
	assert.Equal(t, "gil.g1", res.Username)
	assert.Equal(t, "Engineer", res.Details["title"])
	assert.Equal(t, "Gil Moss", res.Details["cn"])
	assert.NotContains(t, res.Details, "objectSid")
	dir.requireClosed(t)
}

// create creates p's account with tg and returns its DN.
func create(t *testing.T, tg *Target, p profile.Profile) string {
	t.Helper()
	res, err := tg.Create(context.Background(), p)
	require.NoError(t, err)
	return res.ID
}

// TestNameHolder: the unique-name check finds the account holding the sAMAccountName or
// mail a reserved name maps to, never the person's own account by employee id instead.
func TestNameHolder(t *testing.T) {
	dir := newDirectory(t)
	tg, ctx := dir.target(t), context.Background()
	named := func(id, name string) profile.Profile {
		p := hire(id, "Ann", "Chen")
		p.AccountName = name
		return p
	}
	annDN := create(t, tg, named("a1", "ann.chen"))
	assert.Equal(t, "ann.chen", dir.get(annDN, "sAMAccountName"))
	assert.Equal(t, "ann.chen@example.test", dir.get(annDN, "mail"), "mail from the reserved name")
	dir.put("CN=Hand Made,"+ops, map[string][]string{"objectClass": {"top", "user"}, "objectCategory": {"person"},
		"sAMAccountName": {"hand.made"}, "mail": {"ann.chen3@example.test"}})

	ann := "account " + annDN + " (sAMAccountName ann.chen)"
	handMade := "account CN=Hand Made," + ops + " (sAMAccountName hand.made)"
	for _, tc := range []struct {
		p    profile.Profile
		want string
	}{
		{named("a2", "ann.chen"), ann},
		{named("a2", "ANN.CHEN"), ann},
		{named("a2", "ann.chen2"), ""},
		{named("a1", "ann.chen"), ""},
		{named("a2", "ann.chen3"), handMade},
		{named("a2", "hand.made"), handMade},
		// a1's own account is found by employee id first for a write; not for the check.
		{named("a1", "hand.made"), handMade},
	} {
		got, err := tg.NameHolder(ctx, tc.p)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s as %s", tc.p.EmployeeID(), tc.p.AccountName)
	}
	dir.requireClosed(t)
}
