package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/internal/testing/mailpittest"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/workflows"
)

// Provision on demand: the new hire who starts tomorrow gets an enabled AD account now, their
// password mailed, through a worker built from the config as ilm-worker builds it.
func TestProvisionOnDemand(t *testing.T) {
	addr := os.Getenv("ILM_TEST_TEMPORAL_ADDRESS")
	if addr == "" {
		t.Skip("ILM_TEST_TEMPORAL_ADDRESS not set: start a dev server with scripts/temporal.sh start")
	}
	d := sambatest.New(t, "Sales")
	mp := mailpittest.New(t)
	dir := t.TempDir()
	id := "P" + d.Run
	email := "new.hire." + d.Run + "@example.test"
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	report, err := json.Marshal(map[string]any{"Report_Entry": []map[string]any{{
		"Emp_ID": id, "Email_Address": email, "Preferred_Name": "New Hire " + d.Run,
		"Preferred_Name_-_First_Name": "New", "Preferred_Name_-_Last_Name": "Hire", "Department": "Sales",
		"Employment_Status": "Active", "Last_Hire_Date": tomorrow, "Prehire_Flag": "False", "Rehired_Employee": "No",
	}}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report.json"), report, 0o600))
	t.Setenv("ILM_TEST_PROVISION_AD_PASSWORD", d.Password)
	cfg := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(`store: sqlite:ilm.db
temporal: {address: %q, task_queue: %q}
instances:
  - {name: workday, type: workday, report_url: "file:report.json", days_before_hire_to_enable_ad: 3}
  - {name: ad, type: active_directory, url: %q, ca_file: %q, insecure_skip_verify: %t, bind_dn: %q,
     bind_password_env: ILM_TEST_PROVISION_AD_PASSWORD, base_dn: %q}
provisioning:
  targets: {create: [ad], update: [ad], disable: [ad]}
  service_desk_email: desk.%s@example.test
smtp: {host: %s, port: %d, from: ilm@example.test, tls: none}
`, addr, "ilm-provision-"+d.Run, d.URL, d.CAFile, d.CAFile == "", d.BindDN, d.Base, d.Run, mp.Host, mp.Port)), 0o600))

	env, err := wiring.Open(t.Context(), cfg, "")
	require.NoError(t, err)
	defer env.Close()
	c, err := env.Dial(0)
	require.NoError(t, err)
	defer c.Close()
	acts, err := env.Activities(c)
	require.NoError(t, err)
	w := env.Worker(c, acts)
	require.NoError(t, w.Start())
	defer w.Stop()

	started := time.Now()
	code, out, errOut := ilm("provision", "--config", cfg, "--instance", "workday", id)
	elapsed := time.Since(started)
	require.Equal(t, exitOK, code, errOut)
	t.Logf("ilm provision: command to enabled AD account in %s (%s)", elapsed.Round(time.Millisecond), strings.TrimSpace(errOut))

	var types []lifecycle.EventType
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var res workflows.IncidentResult
		require.NoError(t, json.Unmarshal([]byte(line), &res), line)
		types = append(types, res.Type)
	}
	assert.Equal(t, []lifecycle.EventType{lifecycle.NewHire, lifecycle.ADActivation}, types)
	accounts, err := d.Admin.Search(ldap.NewSearchRequest(d.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(&(objectClass=user)(employeeID="+ldap.EscapeFilter(id)+"))", []string{"userAccountControl"}, nil))
	require.NoError(t, err)
	require.Len(t, accounts.Entries, 1)
	assert.Equal(t, "512", accounts.Entries[0].GetAttributeValue("userAccountControl"), "enabled")
	assert.Len(t, mp.To(t, "desk."+d.Run+"@example.test", 1), 1, "the temporary password mailed once")

	code, _, errOut = ilm("provision", "--config", cfg, "--instance", "workday", id)
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "no changes for employee "+id, "provisioned already: nothing runs twice")
}
