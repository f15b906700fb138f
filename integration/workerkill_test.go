//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/internal/testing/mailpittest"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/workflows"
)

// A worker killed with SIGKILL while new hires are being provisioned into AD, then started
// again, changes nothing in the outcome: every person has exactly one account and a profile.
func TestWorkerKilledMidwayChangesNothing(t *testing.T) {
	d := sambatest.New(t, "Sales")
	mp := mailpittest.New(t)
	h := newHarness(t) // for the client, the ids and the Workday stand-in helpers
	dir := t.TempDir()

	wd := standin.New(standin.Config{Username: isuUser, Password: isuPassword})
	srv := standin.Start(t, wd)
	const people = 12
	hire := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
	var rows []map[string]any
	for n := 1; n <= people; n++ {
		rows = append(rows, h.person(n, hire))
	}
	require.NoError(t, wd.SetReport(rows))

	queue := "ilm-kill-" + h.prefix
	storeDSN := "sqlite:" + filepath.Join(dir, "ilm.db")
	cfg := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(`
temporal: {address: %q, task_queue: %q}
instances:
  - {name: workday, type: workday, report_url: %q, username_env: IT_WD_USER, password_env: IT_WD_PASSWORD,
     days_before_hire_to_enable_ad: 3}
  - {name: ad, type: active_directory, url: %q, ca_file: %q, insecure_skip_verify: %t, bind_dn: %q,
     bind_password_env: IT_AD_PASSWORD, base_dn: %q}
provisioning:
  targets: {create: [ad], update: [ad], disable: [ad]}
  service_desk_email: desk@example.test
smtp: {host: %s, port: %d, from: ilm@example.test, tls: none}
`, os.Getenv("ILM_TEST_TEMPORAL_ADDRESS"), queue, wd.URL(srv.URL), d.URL, d.CAFile, d.CAFile == "", d.BindDN, d.Base,
		mp.Host, mp.Port)), 0o600))

	w := buildWorker(t, dir, []string{"IT_WD_USER=" + isuUser, "IT_WD_PASSWORD=" + isuPassword, "IT_AD_PASSWORD=" + d.Password},
		"--config", cfg, "--store", storeDSN)
	w.start()

	run, err := h.client.ExecuteWorkflow(h.ctx, client.StartWorkflowOptions{ID: "poll-kill-" + h.prefix, TaskQueue: queue},
		workflows.WorkdayPoll, activities.PollRequest{Instance: "workday", Now: time.Now()})
	require.NoError(t, err)

	var rep activities.PollReport
	require.NoError(t, run.Get(h.ctx, &rep))
	assert.Equal(t, people, rep.Started)

	// Kill the worker as soon as the first new hire is done, the others still in flight.
	query := fmt.Sprintf(`WorkflowId STARTS_WITH "person/%s" AND ExecutionStatus = "Completed"`, h.prefix)
	require.Eventually(t, func() bool { return h.countNow(query) >= 1 }, time.Minute, 20*time.Millisecond)
	w.kill()
	killedAt := h.countNow(query)
	t.Logf("killed the worker with %d of %d new hires done", killedAt, people)

	w.start()
	// Calls lost with the worker are retried when their 30 s start-to-close timeout passes.
	require.Eventually(t, func() bool { return h.countNow(query) >= people }, 2*time.Minute, time.Second)
	assert.Equal(t, people, h.countNow(query), "every new hire completes, once")

	st, err := store.Open(h.ctx, storeDSN)
	require.NoError(t, err)
	defer st.Close()
	res, err := d.Admin.Search(ldap.NewSearchRequest("OU=People,"+d.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=user)", []string{"cn", "employeeID"}, nil))
	require.NoError(t, err)
	byID := map[string][]string{}
	for _, e := range res.Entries {
		byID[e.GetAttributeValue("employeeID")] = append(byID[e.GetAttributeValue("employeeID")], e.GetAttributeValue("cn"))
	}
	for n := 1; n <= people; n++ {
		cns := byID[h.id(n)]
		require.Len(t, cns, 1, "one account for %s: %v", h.id(n), cns)
		assert.Equal(t, "Person "+h.id(n), cns[0], "no second account under a suffixed CN")
		p, err := st.GetProfile(h.ctx, h.id(n))
		require.NoError(t, err)
		assert.Equal(t, profile.ADPending, p.ADStatus)
	}
	assert.Len(t, res.Entries, people)
}
