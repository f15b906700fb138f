//go:build integration && faults

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	oktastandin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	scimstandin "github.com/ilm-dev/ilm/internal/testing/standin/scim"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/workflows"
)

// defaultFaultPeople is the suite's size when ILM_FAULT_PEOPLE is unset: enough people that
// every fault lands on work in flight, few enough for a few minutes on two cores.
const defaultFaultPeople = 60

// The outages. Each is shorter than connectorCall's 10 minutes of retries, so no incident
// should reach human review.
const (
	sambaDown = 60 * time.Second
	oktaLimit = 2 * time.Minute
	smtpDown  = 30 * time.Second
)

// N new hires go into Active Directory, Okta and a SCIM app, then are activated (a temporary
// password mailed for each), while the worker is killed twice, the Temporal server restarts,
// the DC is down for a minute, Okta answers 429 for two minutes and SMTP is down. In the end
// every person is in every target once, every profile is stored with its final AD status,
// no incident is open or failed, and each activation mailed its password once.
//
// The faults are timed by progress, and each one holds up every incident (AD is the first
// target, Okta the second, the mail is inside the activation), so they land on work in
// flight whatever N and the machine's speed.
func TestFaultsChangeNothing(t *testing.T) {
	people := peopleFromEnv(t, "ILM_FAULT_PEOPLE", defaultFaultPeople) // make test-faults FAULT_PEOPLE=500
	d := sambatest.New(t, "Sales")
	dc := newSambaOutage(t, d)
	temporal := startDevServer(t)
	mp := startMailpit(t)
	ctx, c := dialSuite(t, temporal)

	wd := standin.New(standin.Config{Username: isuUser, Password: isuPassword})
	wdSrv := standin.Start(t, wd)
	okta := oktastandin.New(oktastandin.Config{Token: suiteOktaToken, RateLimit: 100000})
	oktaSrv := httptest.NewServer(okta)
	t.Cleanup(oktaSrv.Close)
	scim := scimstandin.New(scimstandin.Config{Token: "it-scim"})
	scimSrv := scimstandin.Start(t, scim)

	h := &harness{prefix: fmt.Sprintf("flt%d-", time.Now().UnixNano()%1e9)} // for person rows
	hired := time.Now().UTC().AddDate(0, 0, 30).Truncate(24 * time.Hour)
	var rows []map[string]any
	for n := 1; n <= people; n++ {
		rows = append(rows, h.person(n, hired.Format("2006-01-02")))
	}
	require.NoError(t, wd.SetReport(rows))

	dir := t.TempDir()
	storeDSN := "sqlite:" + filepath.Join(dir, "ilm.db")
	cfg := filepath.Join(dir, "ilm.yaml")
	instances, env := suiteInstances(wd.URL(wdSrv.URL), d, oktaSrv.URL)
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(`
temporal: {address: %q, task_queue: ilm-faults}
instances:
%s
  - {name: scimapp, type: scim, vendor: generic, base_url: %q, token_env: IT_SCIM_TOKEN}
provisioning:
  targets: {create: [ad, okta, scimapp], update: [ad, okta, scimapp], disable: [ad, okta, scimapp]}
  service_desk_email: desk@example.test
smtp: {host: %s, port: %d, from: ilm@example.test, tls: none}
`, temporal.Addr, instances, scim.BaseURL(scimSrv.URL), mp.Host, mp.Port)), 0o600))
	w := buildWorker(t, dir, append(env, "IT_SCIM_TOKEN=it-scim"), "--config", cfg, "--store", storeDSN)
	w.start()

	incidents := incidentCounter{t: t, ctx: ctx, c: c, alive: w.requireRunning}
	count, waitDone := incidents.count, incidents.waitDone
	poll := func(now time.Time) activities.PollReport {
		t.Helper()
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("poll-faults-%d", time.Now().UnixNano()),
			TaskQueue: "ilm-faults"}, workflows.WorkdayPoll, activities.PollRequest{Instance: "workday", Now: now})
		require.NoError(t, err)
		pctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		var rep activities.PollReport
		require.NoError(t, run.Get(pctx, &rep), "the poll did not end within 5 minutes")
		return rep
	}

	// New hires: a worker kill at 10 %, then the DC down for a minute, during which the
	// Temporal server restarts and the worker is killed again, then Okta throttled.
	t0 := time.Now()
	rep := poll(time.Now())
	require.Equal(t, people, rep.Started, "%+v", rep)
	waitDone(lifecycle.NewHire, max(1, people/10), 5*time.Minute, "before the first kill")
	w.killAndRestart()
	t.Logf("killed the worker with %d of %d new hires done", count(lifecycle.NewHire, "Completed"), people)

	dc.stop()
	downAt := time.Now() // from here on, a failure restarts the DC at once (newSambaOutage)
	time.Sleep(sambaDown / 3)
	temporal.restart()
	t.Logf("restarted the Temporal server (unavailable %v)", temporal.Unavailable.Round(time.Millisecond))
	time.Sleep(time.Until(downAt.Add(2 * sambaDown / 3)))
	w.killAndRestart()
	time.Sleep(time.Until(downAt.Add(sambaDown)))
	dc.start()
	dcOutage := time.Since(downAt)
	t.Logf("the DC was down %v; %d of %d new hires done", dcOutage.Round(time.Millisecond), count(lifecycle.NewHire, "Completed"), people)
	okta.FailUntil(time.Now().Add(oktaLimit))

	// After the 429s, the longest retry interval (a minute) and a call lost with the killed
	// worker (30 s) add to the drain; connectorCall's 10 minutes bound it.
	waitDone(lifecycle.NewHire, people, 12*time.Minute, "new hires")
	hires := time.Since(t0)
	t.Logf("%d new hires done in %v", people, hires.Round(time.Second))

	// Activations with the SMTP server down for smtpDown: no password can be mailed, so none
	// completes until it is back.
	t1 := time.Now()
	mp.stop()
	rep = poll(hired.AddDate(0, 0, -2))
	require.Equal(t, people, rep.Started, "every person is due for activation: %+v", rep)
	time.Sleep(smtpDown)
	require.Zero(t, count(lifecycle.ADActivation, "Completed"), "no activation completes without SMTP")
	mp.start()
	waitDone(lifecycle.ADActivation, people, 10*time.Minute, "activations")
	activations := time.Since(t1)
	w.requireRunning()

	// Every incident closed, none failed or still open.
	for _, status := range []string{"Running", "Failed", "Terminated", "TimedOut", "Canceled"} {
		for _, typ := range []lifecycle.EventType{lifecycle.NewHire, lifecycle.ADActivation} {
			assert.Zero(t, count(typ, status), "%s incidents %s", typ, status)
		}
	}
	assert.Equal(t, people, count(lifecycle.NewHire, "Completed"), "one new hire each")
	assert.Equal(t, people, count(lifecycle.ADActivation, "Completed"), "one activation each")
	reviews, retries := incidentFigures(t, ctx, c)

	// Every person once in every target, enabled in AD.
	emails := map[string]string{}
	for n := 1; n <= people; n++ {
		emails[h.id(n)] = strings.ToLower(fmt.Sprintf("P.%s%d@Example.com", h.prefix, n))
	}
	res, err := d.Admin.SearchWithPaging(ldap.NewSearchRequest("OU=People,"+d.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=user)", []string{"employeeID", "userAccountControl"}, nil), 500)
	require.NoError(t, err)
	inAD := map[string]int{}
	for _, e := range res.Entries {
		inAD[e.GetAttributeValue("employeeID")]++
		uac, _ := strconv.Atoi(e.GetAttributeValue("userAccountControl"))
		assert.Zero(t, uac&2, "%s is enabled", e.DN)
	}
	inOkta := map[string]int{}
	for _, u := range okta.Users() {
		inOkta[fmt.Sprint(u.Profile["login"])]++
	}
	inSCIM := map[string]int{}
	for _, u := range scim.Users() {
		inSCIM[strings.ToLower(fmt.Sprint(u["userName"]))]++
	}
	mails := mp.passwordMails(t)

	st, err := store.Open(ctx, storeDSN)
	require.NoError(t, err)
	defer st.Close()
	for n := 1; n <= people; n++ {
		id := h.id(n)
		assert.Equal(t, 1, inAD[id], "%s in AD", id)
		assert.Equal(t, 1, inOkta[emails[id]], "%s in Okta", id)
		assert.Equal(t, 1, inSCIM[emails[id]], "%s in the SCIM app", id)
		assert.Equal(t, 1, mails[id], "password mails for %s", id)
		p, err := st.GetProfile(ctx, id)
		if assert.NoError(t, err, "profile of %s", id) {
			assert.Equal(t, profile.ADEnabled, p.ADStatus, "AD status of %s", id)
		}
	}
	assert.Len(t, res.Entries, people, "AD accounts")
	assert.Len(t, inOkta, people, "Okta users")
	assert.Len(t, inSCIM, people, "SCIM users")
	total := 0
	for _, n := range mails {
		total += n
	}
	assert.Equal(t, people, total, "password mails")

	t.Logf(`fault suite figures:
  people:           %d
  new hires:        %v (faults: worker SIGKILL x%d, Temporal restart x%d (%v unavailable), DC down %v, Okta 429 for %v)
  activations:      %v (SMTP down %v)
  total:            %v
  incidents:        %d new hires + %d activations completed, 0 open, 0 failed
  reviews:          %d
  activity retries: %s
  Okta 429s:        %d
  password mails:   %d for %d people`,
		people, hires.Round(time.Second), w.Kills, temporal.Restarts, temporal.Unavailable.Round(time.Millisecond),
		dcOutage.Round(time.Second), oktaLimit, activations.Round(time.Second), smtpDown, time.Since(t0).Round(time.Second),
		count(lifecycle.NewHire, "Completed"), count(lifecycle.ADActivation, "Completed"), reviews, retries,
		okta.Throttled(), total, len(mails))
}

// incidentFigures reads every person workflow's result and history: the reviews they went
// to, which must be none, and the activity retries by activity type.
func incidentFigures(t *testing.T, ctx context.Context, c client.Client) (int, string) {
	t.Helper()
	reviews := 0
	retries := map[string]int{}
	eachIncident(t, ctx, c, func(id string, res workflows.IncidentResult, events []*historypb.HistoryEvent) {
		assert.True(t, res.ProfileSaved, "%s: %+v", id, res)
		assert.Empty(t, res.Skipped, id)
		reviews += len(res.Reviews)
		scheduled := map[int64]string{}
		for _, ev := range events {
			if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
				scheduled[ev.EventId] = a.ActivityType.GetName()
			}
			if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && a.Attempt > 1 {
				retries[scheduled[a.ScheduledEventId]] += int(a.Attempt) - 1
			}
		}
	})
	var parts []string
	for name, n := range retries {
		parts = append(parts, fmt.Sprintf("%s %d", name, n))
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return reviews, "none"
	}
	return reviews, strings.Join(parts, ", ")
}

// passwordSubject is the temporary-password template's subject for a harness person.
var passwordSubject = regexp.MustCompile(`^Temporary password for Person (\S+) \(`)

// passwordMails counts the temporary-password mails the mailpit holds, by employee id. It
// reads them in one page: mails sent in the same millisecond have no stable order, so pages
// read with an offset can count one mail twice and miss another.
func (m *ownMailpit) passwordMails(t *testing.T) map[string]int {
	t.Helper()
	type page struct {
		Total    int
		Messages []struct{ Subject string }
	}
	get := func(limit int) page {
		resp, err := http.Get(fmt.Sprintf("%s/api/v1/messages?limit=%d", m.API, limit))
		require.NoError(t, err)
		defer resp.Body.Close()
		var p page
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
		return p
	}
	all := get(get(1).Total + 1)
	require.Len(t, all.Messages, all.Total, "mailpit gave every mail in one page")
	out := map[string]int{}
	for _, msg := range all.Messages {
		if sm := passwordSubject.FindStringSubmatch(msg.Subject); sm != nil {
			out[sm[1]]++
		} else {
			t.Errorf("unexpected mail: %q", msg.Subject)
		}
	}
	return out
}
