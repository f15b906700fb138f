//go:build integration

package integration

import (
	"regexp"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/activedirectory"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/connectors/password"
	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/internal/testing/mailpittest"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/workflows"
)

// withActiveDirectory makes the Samba DC the only provisioning target, as instance "ad", and
// mails temporary passwords through mailpit to serviceDesk.
func withActiveDirectory(t *testing.T, d *sambatest.Domain, mp *mailpittest.Server, serviceDesk string) harnessOption {
	return func(cfg *config.Config, acts *activities.Activities) {
		m, err := mappers.Stock("ad-outgoing")
		require.NoError(t, err)
		ad, err := activedirectory.New(activedirectory.Config{
			Instance: "ad", URL: d.URL, CAFile: d.CAFile, InsecureSkipVerify: d.CAFile == "",
			BindDN: d.BindDN, BindPassword: d.Password, BaseDN: d.Base, Mapper: m, Timeout: 20 * time.Second,
			Operations: activedirectory.Operations{Create: true, Update: true, Enable: true, Disable: true},
		})
		require.NoError(t, err)
		mailer, err := mail.New(mail.Config{Host: mp.Host, Port: mp.Port, From: "ILM <ilm@example.test>", TLS: mail.TLSNone, Timeout: 10 * time.Second})
		require.NoError(t, err)
		templates, err := mail.LoadTemplates("")
		require.NoError(t, err)
		cfg.Provisioning.Targets = config.Targets{Create: []string{"ad"}, Update: []string{"ad"}, Disable: []string{"ad"}}
		cfg.Instances = append(cfg.Instances, config.Instance{Name: "ad", Type: config.TypeActiveDirectory, ActiveDirectory: &config.ActiveDirectory{}})
		acts.Targets = map[string]connectors.Target{"ad": ad}
		acts.Mail = activities.Mail{Sender: mailer, Templates: templates}
		acts.Activation = activities.Activation{ServiceDesk: serviceDesk,
			Policy: password.Policy{Length: 16, Digits: 3, Symbols: 2, Upper: 1, Lower: 1}}
	}
}

// adHarness is a harness whose only target is the test DC (with the departments' OUs),
// mailing temporary passwords to the service desk address it returns, through mailpit.
func adHarness(t *testing.T, departments ...string) (*harness, *sambatest.Domain, *mailpittest.Server, string) {
	d := sambatest.New(t, departments...)
	mp := mailpittest.New(t)
	serviceDesk := "service-desk." + d.Run + "@example.test"
	return newHarness(t, withActiveDirectory(t, d, mp, serviceDesk)), d, mp, serviceDesk
}

var temporaryPassword = regexp.MustCompile(`Temporary password: (\S+)`)

// New hire → a disabled account in the department's OU; on the activation date → enabled,
// with the mailed temporary password, which must be changed at first logon; the password is
// in no workflow history. Then a department and name change → moved and renamed; then the
// termination → disabled.
func TestActiveDirectoryLifecycle(t *testing.T) {
	h, d, mp, serviceDesk := adHarness(t, "Sales", "Engineering")

	today := time.Now().UTC()
	hire := today.AddDate(0, 0, 10)
	h.setReport(h.person(1, hire.Format("2006-01-02")))
	res := h.incident(today, 1)
	require.Len(t, res.Results, 1)
	assert.Equal(t, connectors.OpCreate, res.Results[0].Action)
	dn := res.Results[0].ID
	assert.Equal(t, "OU=Sales,OU=People,"+d.Base, dn[len("CN=Person "+h.id(1)+","):])
	assert.Equal(t, "514", d.Entry(t, dn).GetAttributeValue("userAccountControl"), "created disabled")
	assert.Equal(t, profile.ADPending, h.profile(1).ADStatus)

	// Two days before the hire date (days_before_hire_to_enable_ad: 3): activation.
	res = h.incident(hire.AddDate(0, 0, -2), 1)
	assert.Equal(t, lifecycle.ADActivation, res.Type)
	require.Len(t, res.Results, 1)
	assert.Equal(t, connectors.OpActivate, res.Results[0].Action)
	assert.True(t, res.Results[0].Success && res.Results[0].Active)
	assert.Equal(t, "512", d.Entry(t, dn).GetAttributeValue("userAccountControl"))
	assert.Equal(t, profile.ADEnabled, h.profile(1).ADStatus)

	mails := mp.To(t, serviceDesk, 1)
	require.Len(t, mails, 1)
	found := temporaryPassword.FindStringSubmatch(mails[0].Text)
	require.Len(t, found, 2, mails[0].Text)
	pw := found[1]

	conn, err := ldap.DialURL(d.URL, ldap.DialWithTLSConfig(d.TLS))
	require.NoError(t, err)
	defer conn.Close()
	err = conn.Bind(dn, pw)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data 773", "the mailed password is the account's, to change at first logon")
	err = conn.Bind(dn, pw+"x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data 52e")

	history := h.historyText(workflows.PersonWorkflowID(h.id(1)))
	assert.NotEmpty(t, history)
	assert.NotContains(t, history, pw, "the password never enters workflow history")

	// After the start date: a move to Engineering with a new name, then the termination.
	started := hire.AddDate(0, 0, 5)
	moved := h.person(1, hire.Format("2006-01-02"))
	moved["Department"] = "Engineering"
	moved["Preferred_Name"] = "Pat " + h.id(1)
	h.setReport(moved)
	res = h.incident(started, 1)
	assert.Equal(t, lifecycle.UpdateUser, res.Type)
	require.Len(t, res.Results, 1)
	renamed := "CN=Pat " + h.id(1) + ",OU=Engineering,OU=People," + d.Base
	assert.Equal(t, renamed, res.Results[0].ID, "renamed and moved")
	assert.Equal(t, "512", d.Entry(t, renamed).GetAttributeValue("userAccountControl"), "still enabled")

	gone := moved
	gone["Employment_Status"] = "Terminated"
	gone["Termination_Date"] = started.Format("2006-01-02")
	h.setReport(gone)
	res = h.incident(started.AddDate(0, 0, 1), 1)
	assert.Equal(t, lifecycle.TerminateUser, res.Type)
	assert.Equal(t, "514", d.Entry(t, renamed).GetAttributeValue("userAccountControl"), "disabled")
	assert.Equal(t, profile.ADDisabled, h.profile(1).ADStatus)

	// Rehired with a start date a month out: the account is updated but stays disabled, and
	// the profile waits for activation, which sets and mails a new password and enables it
	// (enabling it at the rehire would bring back the old password, and activation never
	// resets an enabled account's).
	back := h.person(1, started.AddDate(0, 1, 0).Format("2006-01-02"))
	back["Department"], back["Preferred_Name"] = "Engineering", "Pat "+h.id(1)
	back["Prehire_Flag"], back["Rehired_Employee"] = "True", "Yes"
	h.setReport(back)
	res = h.incident(started.AddDate(0, 0, 2), 1)
	assert.Equal(t, lifecycle.RehireUser, res.Type)
	assert.Equal(t, "514", d.Entry(t, renamed).GetAttributeValue("userAccountControl"), "left for AD activation")
	assert.Equal(t, profile.ADPending, h.profile(1).ADStatus)

	res = h.incident(started.AddDate(0, 1, -1), 1)
	assert.Equal(t, lifecycle.ADActivation, res.Type)
	assert.Equal(t, profile.ADEnabled, h.profile(1).ADStatus)
	assert.Equal(t, "512", d.Entry(t, renamed).GetAttributeValue("userAccountControl"), "enabled by the activation")
	mails = mp.To(t, serviceDesk, 2)
	require.Len(t, mails, 2, "a second temporary password")
	again := temporaryPassword.FindStringSubmatch(mails[0].Text)
	require.Len(t, again, 2)
	assert.NotEqual(t, pw, again[1])
	err = conn.Bind(renamed, again[1])
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data 773", "the new password is the account's")
}

// A hire date moved back out of the activation window disables the enabled account again
// (AD Deactivation); the profile goes back to Pending.
func TestActiveDirectoryHireDatePostponed(t *testing.T) {
	d := sambatest.New(t, "Sales")
	mp := mailpittest.New(t)
	h := newHarness(t, withActiveDirectory(t, d, mp, "desk."+d.Run+"@example.test"))

	today := time.Now().UTC()
	h.setReport(h.person(1, today.AddDate(0, 0, 2).Format("2006-01-02")))
	dn := h.incident(today, 1).Results[0].ID
	require.Equal(t, lifecycle.ADActivation, h.incident(today, 1).Type)
	require.Equal(t, "512", d.Entry(t, dn).GetAttributeValue("userAccountControl"))

	h.setReport(h.person(1, today.AddDate(0, 0, 20).Format("2006-01-02")))
	res := h.incident(today, 1)
	assert.Equal(t, lifecycle.ADDeactivation, res.Type)
	assert.Equal(t, "514", d.Entry(t, dn).GetAttributeValue("userAccountControl"))
	assert.Equal(t, profile.ADPending, h.profile(1).ADStatus)
}

// An activation started twice from the same plan (a manual poll overlapping the scheduled
// one, a retried start after the first finished) sets and mails one password: the second
// run finds the profile moved on from the revision it was planned from, and ends as stale.
func TestStaleActivationSetsNoSecondPassword(t *testing.T) {
	h, d, mp, serviceDesk := adHarness(t, "Sales")

	today := time.Now().UTC()
	hire := today.AddDate(0, 0, 10)
	h.setReport(h.person(1, hire.Format("2006-01-02")))
	h.incident(today, 1)

	activationDay := hire.AddDate(0, 0, -2)
	planner := hrsync.Planner{Config: h.cfg, Store: h.store}
	plan, err := planner.Plan(h.ctx, "workday", hrsync.Options{Now: activationDay})
	require.NoError(t, err)
	require.Len(t, plan.Result.Events, 1)
	planned := activities.NewIncident(h.cfg, "workday", plan.Result.Events[0])
	require.Equal(t, lifecycle.ADActivation, planned.Type)

	res := h.incident(activationDay, 1)
	require.Equal(t, lifecycle.ADActivation, res.Type)
	dn := res.Results[0].ID
	mails := mp.To(t, serviceDesk, 1)
	pw := temporaryPassword.FindStringSubmatch(mails[0].Text)[1]

	starter := workflows.IncidentStarter{Client: h.client, Namespace: "default", TaskQueue: h.cfg.Temporal.TaskQueue}
	_, started, err := starter.Start(h.ctx, planned)
	require.NoError(t, err)
	require.True(t, started, "the first activation is closed: the same id may run again")
	again := h.waitDone(1)
	assert.Contains(t, again.Skipped, "stale: the profile of employee "+h.id(1)+" changed since this incident was planned")
	assert.Empty(t, again.Results)

	assert.Len(t, mp.To(t, serviceDesk, 1), 1, "no second password mailed")
	conn, err := ldap.DialURL(d.URL, ldap.DialWithTLSConfig(d.TLS))
	require.NoError(t, err)
	defer conn.Close()
	err = conn.Bind(dn, pw)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data 773", "the first password is still the account's")
}
