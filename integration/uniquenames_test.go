//go:build integration

package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/testing/mailpittest"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/workflows"
)

// withUniqueNames turns provisioning.unique_names on with the stock mapper.
func withUniqueNames(t *testing.T) harnessOption {
	return func(cfg *config.Config, acts *activities.Activities) {
		m, err := mappers.Stock("unique-names")
		require.NoError(t, err)
		cfg.Provisioning.UniqueNames = config.UniqueNames{Enabled: true, MaxLength: config.DefaultUniqueNameLength}
		acts.UniqueNames = &activities.UniqueNames{Mapper: m, MaxLength: config.DefaultUniqueNameLength}
	}
}

// namesWorld is a harness creating new hires in the test DC and the Okta stand-in, with
// unique names on. Its people are all called Jane Roe<run>: sAMAccountNames are
// domain-wide, so the surname is the run's own.
type namesWorld struct {
	*harness
	dc      *sambatest.Domain
	okta    oktaWorld
	surname string
}

func newNamesWorld(t *testing.T) *namesWorld {
	w := &namesWorld{dc: sambatest.New(t, "Sales")}
	mp := mailpittest.New(t)
	w.surname = "Roe" + w.dc.Run
	w.harness = newHarness(t, withActiveDirectory(t, w.dc, mp, "service-desk."+w.dc.Run+"@example.test"),
		withOkta(t, &w.okta, true), withUniqueNames(t))
	require.Equal(t, []string{"ad", "okta"}, w.cfg.Provisioning.Targets.Create)
	return w
}

// jane is person n's report row: Jane Roe<run>, with an email of her own, as HR requires.
func (w *namesWorld) jane(n int, hired string) map[string]any {
	row := w.person(n, hired)
	row["Preferred_Name_-_First_Name"] = "Jane"
	row["Preferred_Name_-_Last_Name"] = w.surname
	row["Preferred_Name"] = "Jane " + w.surname
	row["Email_Address"] = fmt.Sprintf("jane.%s.%s@example.test", w.prefix, fmt.Sprint(n))
	return row
}

// base is the first candidate of every Jane: jane.roe<run>.
func (w *namesWorld) base() string { return "jane." + strings.ToLower(w.surname) }

// adAccount is the account holding the sAMAccountName; ok is false when none does.
func (w *namesWorld) adAccount(sam string) (e *ldap.Entry, ok bool) {
	w.t.Helper()
	res, err := w.dc.Admin.Search(ldap.NewSearchRequest(w.dc.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(&(objectClass=user)(sAMAccountName="+ldap.EscapeFilter(sam)+"))",
		[]string{"employeeID", "mail", "userPrincipalName", "sAMAccountName", "title"}, nil))
	require.NoError(w.t, err)
	if len(res.Entries) == 0 {
		return nil, false
	}
	require.Len(w.t, res.Entries, 1)
	return res.Entries[0], true
}

// requireProvisioned checks that person n got name: reserved for them in the store,
// recorded on their profile, their AD account's sAMAccountName and mail and their Okta login.
func (w *namesWorld) requireProvisioned(n int, name string) {
	w.t.Helper()
	id := w.id(n)
	assert.Equal(w.t, name, w.profile(n).AccountName, "recorded on the profile of %s", id)
	holder, err := w.store.AccountNameHolder(w.ctx, name)
	require.NoError(w.t, err)
	assert.Equal(w.t, id, holder, "reserved for %s", id)
	e, ok := w.adAccount(name)
	require.True(w.t, ok, "AD account %s", name)
	assert.Equal(w.t, id, e.GetAttributeValue("employeeID"))
	assert.Equal(w.t, name+"@example.test", e.GetAttributeValue("mail"))
	assert.Equal(w.t, name+"@example.test", e.GetAttributeValue("userPrincipalName"))
	u, ok := w.okta.org.User(name + "@example.test")
	require.True(w.t, ok, "Okta user %s", name)
	assert.Equal(w.t, id, u.Profile["employeeNumber"])
	assert.Equal(w.t, name+"@example.test", u.Profile["email"])
}

// reservedName is the name the New Hire's first step reserved, from its result.
func reservedName(t *testing.T, res workflows.IncidentResult) string {
	t.Helper()
	require.NotEmpty(t, res.Results)
	first := res.Results[0]
	require.Equal(t, workflows.OpReserveName, first.Action, "%+v", res.Results)
	require.True(t, first.Success)
	return first.Username
}

// Two Jane Roes with different employee ids, hired in one poll, so that their New Hires run
// at once: both succeed without review, with distinct names, each free in AD and Okta,
// reserved and recorded on the profile.
func TestUniqueNamesForSameNameHiresStartedAtOnce(t *testing.T) {
	w := newNamesWorld(t)
	hire := time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02")
	w.setReport(w.jane(1, hire), w.jane(2, hire))

	rep, err := w.poll(time.Now().UTC())
	require.NoError(t, err)
	require.Equal(t, 2, rep.Started, "%+v", rep)

	names := map[string]int{}
	for n := 1; n <= 2; n++ {
		res := w.waitDone(n)
		assert.Equal(t, lifecycle.NewHire, res.Type)
		assert.True(t, res.ProfileSaved)
		assert.Empty(t, res.Reviews, "no review")
		for _, r := range res.Results {
			assert.True(t, r.Success && !r.Skipped, "%+v", r)
		}
		name := reservedName(t, res)
		names[name] = n
		w.requireProvisioned(n, name)
	}
	assert.Len(t, names, 2, "distinct names: %v", names)
	assert.Contains(t, names, w.base())
	assert.Contains(t, names, w.base()+"2")
	recordHistoryAs(t, w.client, workflows.PersonWorkflowID(w.id(1)), "NewHireUniqueName.json")
}

// A name an account ILM never made holds (a hand-made AD account, no employee id) is
// skipped; a rehire keeps the name reserved at the hire, with no new reservation.
func TestUniqueNamesSkipATakenNameAndSurviveARehire(t *testing.T) {
	w := newNamesWorld(t)
	handMade := "CN=Hand Made " + w.dc.Run + ",OU=People," + w.dc.Base
	req := ldap.NewAddRequest(handMade, nil)
	req.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	req.Attribute("sAMAccountName", []string{w.base()})
	req.Attribute("title", []string{"Hand-made"})
	require.NoError(t, w.dc.Admin.Add(req))

	w.setReport(w.jane(1, "2026-12-01"))
	res := w.incident(day1, 1)
	assert.Empty(t, res.Reviews)
	name := reservedName(t, res)
	assert.Equal(t, w.base()+"2", name, "the hand-made account's name is skipped")
	w.requireProvisioned(1, name)
	e, _ := w.adAccount(w.base())
	assert.Equal(t, handMade, e.DN)
	assert.Empty(t, e.GetAttributeValue("employeeID"), "the hand-made account is left alone")
	assert.Equal(t, "Hand-made", e.GetAttributeValue("title"))

	gone := w.jane(1, "2026-12-01")
	gone["Employment_Status"] = "Terminated"
	gone["Termination_Date"] = "2026-11-01"
	w.setReport(gone)
	assert.Equal(t, lifecycle.TerminateUser, w.incident(day1, 1).Type)

	back := w.jane(1, "2027-01-04")
	back["Prehire_Flag"] = "True"
	back["Rehired_Employee"] = "Yes"
	w.setReport(back)
	rehire := w.incident(day1, 1)
	assert.Equal(t, lifecycle.RehireUser, rehire.Type)
	assert.Empty(t, rehire.Reviews)
	for _, r := range rehire.Results {
		assert.NotEqual(t, workflows.OpReserveName, r.Action, "the rehire reserves nothing: the name is recorded")
		assert.Equal(t, connectors.OpUpdate, r.Action)
	}
	w.requireProvisioned(1, name)
}
