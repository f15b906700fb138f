package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	"github.com/ilm-dev/ilm/internal/testing/testtarget"
	"github.com/ilm-dev/ilm/profile"
)

func TestRunOperationFollowsTheContract(t *testing.T) {
	ctx := t.Context()
	target := testtarget.New("memory")
	ann, err := profile.ParseUserProfile([]byte(`{"employeeid": "1001", "email": "ann@example.com", "username": "ann"}`))
	require.NoError(t, err)
	none := connectors.UpdateOptions{}

	got := runOperation(ctx, target, "apps", connectors.OpGet, ann, none)
	assert.Equal(t, connectors.Skip("apps", connectors.OpGet, "User does not exist"), got)

	got = runOperation(ctx, target, "apps", connectors.OpUpdate, ann, none)
	assert.Equal(t, connectors.Skip("apps", connectors.OpUpdate, "User does not exist"), got)

	got = runOperation(ctx, target, "apps", connectors.OpCreate, ann, none)
	assert.Equal(t, connectors.Result{Instance: "apps", Action: connectors.OpCreate, Success: true, ID: "1001",
		Username: "ann", Email: "ann@example.com"}, got, "the result names the instance asked for")

	got = runOperation(ctx, target, "apps", connectors.OpUpdate, ann, connectors.UpdateOptions{AllowEnable: true})
	assert.True(t, got.Success && got.Active)

	target.FailNext(connectors.OpDisable, &connectors.CodedError{Class: connectors.ErrInvalid, Code: "E0000001", Message: "denied"})
	got = runOperation(ctx, target, "apps", connectors.OpDisable, ann, none)
	assert.Equal(t, connectors.Result{Instance: "apps", Action: connectors.OpDisable, ErrorCode: "E0000001", ErrorMessage: "E0000001: denied"}, got)
}

func TestReadUserProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ann.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"Employee ID": "1001"}`), 0o600))
	p, err := readUserProfile("@" + path)
	require.NoError(t, err)
	assert.Equal(t, "1001", p.EmployeeID())

	_, err = readUserProfile("@" + path + ".missing")
	assert.ErrorContains(t, err, "--user-profile: open ")
	_, err = readUserProfile(`{"email": {}}`)
	assert.ErrorContains(t, err, `--user-profile: user profile: "email": want a string`)
}

func TestIAMUsage(t *testing.T) {
	code, _, errOut := ilm("iam", "rename-user", "--instance", "ad", "--user-profile", "{}")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `unknown iam command "rename-user"`)

	code, _, errOut = ilm("iam", "get-user", "--user-profile", "{}")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--instance is required")

	dir := t.TempDir()
	cfg := writeConfig(t, dir, filepath.Join(dir, "report.json"), "")
	code, _, errOut = ilm("iam", "get-user", "--config", cfg, "--store", "sqlite:"+filepath.Join(dir, "ilm.db"),
		"--instance", "workday", "--user-profile", `{"employeeid": "1001"}`)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, `instance "workday" is not a provisioning target`)
}

// ilm iam drives a real connector from the config: create, get, disable, update with
// allow-enable on the test DC.
func TestIAMOnActiveDirectory(t *testing.T) {
	d := sambatest.New(t, "Sales")
	dir := t.TempDir()
	t.Setenv("ILM_TEST_IAM_BIND_PASSWORD", d.Password)
	cfg := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`store: sqlite:`+filepath.Join(dir, "ilm.db")+`
instances:
  - name: ad
    type: active_directory
    url: `+d.URL+`
    ca_file: "`+d.CAFile+`"
    insecure_skip_verify: `+strconv.FormatBool(d.CAFile == "")+`
    bind_dn: `+d.BindDN+`
    bind_password_env: ILM_TEST_IAM_BIND_PASSWORD
    base_dn: "`+d.Base+`"
`), 0o600))
	email := "cli." + d.Run + "@example.test"
	user := `{"employeeid": "C` + d.Run + `", "email": "` + email + `", "username": "` + email + `",
		"givenname": "Cli", "surname": "Tester", "displayname": "Cli Tester ` + d.Run + `", "department": "Sales"}`
	iam := func(op string, flags ...string) (int, connectors.Result, string) {
		code, out, errOut := ilm(append([]string{"iam", op, "--config", cfg, "--instance", "ad", "--user-profile", user}, flags...)...)
		var res connectors.Result
		if out != "" {
			require.NoError(t, json.Unmarshal([]byte(out), &res), out)
		}
		assert.NotContains(t, out+errOut, d.Password)
		return code, res, errOut
	}

	code, res, _ := iam("get-user")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, connectors.Skip("ad", connectors.OpGet, "User does not exist"), res)

	code, res, errOut := iam("create-user")
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, res.Success)
	assert.False(t, res.Active, "created disabled")
	assert.Equal(t, "ad", res.Instance)
	dn := "CN=Cli Tester " + d.Run + ",OU=Sales,OU=People," + d.Base
	assert.Equal(t, "514", d.Entry(t, dn).GetAttributeValue("userAccountControl"))

	code, res, _ = iam("disable-user")
	assert.Equal(t, exitOK, code)
	assert.True(t, res.Skipped, "already disabled")

	code, res, errOut = iam("update-user", "--allow-enable")
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, res.Active)
	assert.Equal(t, "512", d.Entry(t, dn).GetAttributeValue("userAccountControl"))

	code, res, _ = iam("get-user")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, email, res.Email)

	// A create without an employee id, or one whose login is the built-in Administrator's,
	// is refused and changes nothing.
	refused := func(profileJSON, want string) {
		t.Helper()
		code, out, errOut := ilm("iam", "create-user", "--config", cfg, "--instance", "ad", "--user-profile", profileJSON)
		assert.Equal(t, exitError, code, out+errOut)
		assert.Contains(t, out+errOut, want)
	}
	refused(`{"email": "nobody.`+d.Run+`@example.test", "displayname": "No Body", "department": "Sales"}`, "no employee id")
	refused(`{"employeeid": "8002", "email": "administrator@example.test", "username": "administrator@example.test",
		"displayname": "Ad Min", "department": "Sales"}`, "LDAP 68") // the logon name is taken outside base_dn
	admin := d.Entry(t, "CN=Administrator,CN=Users,"+os.Getenv("ILM_TEST_AD_BASE_DN"), "employeeID")
	assert.Empty(t, admin.GetAttributeValue("employeeID"))
}
