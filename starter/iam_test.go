package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/testing/sambatest"
	oktastandin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	scimstandin "github.com/ilm-dev/ilm/internal/testing/standin/scim"
	snowstandin "github.com/ilm-dev/ilm/internal/testing/standin/servicenow"
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
		"givenname": "Cli", "surname": "Tester", "displayname": "Cli Tester ` + d.Run + `", "department": "Sales",
		"title": "Clerk", "city": "Paris"}`
	iamWith := func(userProfile, op string, flags ...string) (int, connectors.Result, string) {
		code, out, errOut := ilm(append([]string{"iam", op, "--config", cfg, "--instance", "ad", "--user-profile", userProfile}, flags...)...)
		var res connectors.Result
		if out != "" {
			require.NoError(t, json.Unmarshal([]byte(out), &res), out)
		}
		assert.NotContains(t, out+errOut, d.Password)
		return code, res, errOut
	}
	iam := func(op string, flags ...string) (int, connectors.Result, string) { return iamWith(user, op, flags...) }

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

	// A profile that leaves out the given name and the city leaves them alone (HR's full
	// profile would clear them).
	code, _, errOut = iamWith(`{"employeeid": "C`+d.Run+`", "email": "`+email+`", "username": "`+email+`",
		"displayname": "Cli Tester `+d.Run+`", "department": "Sales", "title": "Lead"}`, "update-user")
	require.Equal(t, exitOK, code, errOut)
	e := d.Entry(t, dn, "l", "givenName", "department")
	assert.Equal(t, "Lead", e.GetAttributeValue("title"))
	assert.Equal(t, "Paris", e.GetAttributeValue("l"))
	assert.Equal(t, "Cli", e.GetAttributeValue("givenName"))

	// Lookups need only a key the account is found by: the employee id, or the email.
	byID, byEmail := `{"employeeid": "C`+d.Run+`"}`, `{"email": "`+email+`"}`
	for _, key := range []string{byID, byEmail} {
		code, res, errOut = iamWith(key, "get-user")
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, dn, res.ID, key)
		assert.False(t, res.Skipped, key)
	}

	// A partial update changes what it names, clears what it gives as "", and leaves the
	// rest (names, department, OU) alone.
	code, res, errOut = iamWith(`{"employeeid": "C`+d.Run+`", "title": "Engineer", "city": ""}`, "update-user")
	require.Equal(t, exitOK, code, errOut)
	assert.ElementsMatch(t, []string{"title", "l"}, res.Details["changed"])
	e = d.Entry(t, dn, "l", "givenName", "department")
	assert.Equal(t, "Engineer", e.GetAttributeValue("title"))
	assert.Empty(t, e.GetAttributeValue("l"))
	assert.Equal(t, "Cli", e.GetAttributeValue("givenName"))
	assert.Equal(t, "Sales", e.GetAttributeValue("department"))
	assert.Equal(t, email, e.GetAttributeValue("mail"))

	code, res, errOut = iamWith(byID, "disable-user")
	require.Equal(t, exitOK, code, errOut)
	assert.False(t, res.Active || res.Skipped)
	assert.Equal(t, "514", d.Entry(t, dn).GetAttributeValue("userAccountControl"))

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

// ilm iam on the Okta, SCIM (PATCH and PUT-only) and ServiceNow stand-ins: update-user
// changes only what the user profile names, and get-user and disable-user find the account
// by the employee id alone or the email alone.
func TestIAMPartialProfilesOnTheStandIns(t *testing.T) {
	org := oktastandin.New(oktastandin.Config{Token: "okta-token"})
	orgSrv := httptest.NewServer(org)
	t.Cleanup(orgSrv.Close)
	patchApp := scimstandin.New(scimstandin.Config{Token: "scim-token"})
	patchSrv := scimstandin.Start(t, patchApp)
	putApp := scimstandin.New(scimstandin.Config{Token: "scim-token", NoPatch: true})
	putSrv := scimstandin.Start(t, putApp)
	snow := snowstandin.New(snowstandin.Config{Username: "ilm", Password: "snow-password"})
	snowSrv := snowstandin.Start(t, snow)
	for name, value := range map[string]string{"ILM_TEST_OKTA_TOKEN": "okta-token", "ILM_TEST_SCIM_TOKEN": "scim-token",
		"ILM_TEST_SNOW_USER": "ilm", "ILM_TEST_SNOW_PASSWORD": "snow-password"} {
		t.Setenv(name, value)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`store: sqlite:`+filepath.Join(dir, "ilm.db")+`
instances:
  - {name: okta, type: okta, org_url: "`+orgSrv.URL+`", token_env: ILM_TEST_OKTA_TOKEN}
  - {name: scim-patch, type: scim, base_url: "`+patchApp.BaseURL(patchSrv.URL)+`", token_env: ILM_TEST_SCIM_TOKEN}
  - {name: scim-put, type: scim, base_url: "`+putApp.BaseURL(putSrv.URL)+`", token_env: ILM_TEST_SCIM_TOKEN}
  - {name: servicenow, type: servicenow, url: "`+snowSrv.URL+`", username_env: ILM_TEST_SNOW_USER, password_env: ILM_TEST_SNOW_PASSWORD}
`), 0o600))

	const login = "ada.lovelace@example.com"
	scimState := func(app *scimstandin.Server) func() accountState {
		return func() accountState {
			u, ok := app.User(login)
			require.True(t, ok)
			name, _ := u["name"].(map[string]any)
			ext, _ := u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
			return accountState{text(u["title"]), text(ext["department"]), text(name["givenName"]), u["active"] == true}
		}
	}
	for instance, state := range map[string]func() accountState{
		"okta": func() accountState {
			u, ok := org.User(login)
			require.True(t, ok)
			return accountState{text(u.Profile["title"]), text(u.Profile["department"]), text(u.Profile["firstName"]), u.Status == "ACTIVE"}
		},
		"scim-patch": scimState(patchApp),
		"scim-put":   scimState(putApp),
		"servicenow": func() accountState {
			u, ok := snow.User("email", login)
			require.True(t, ok)
			return accountState{u["title"], u["department"], u["first_name"], u["active"] == "true"}
		},
	} {
		t.Run(instance, func(t *testing.T) {
			iam := func(op, userProfile string) connectors.Result {
				t.Helper()
				code, out, errOut := ilm("iam", op, "--config", cfg, "--instance", instance, "--user-profile", userProfile)
				require.Equal(t, exitOK, code, out+errOut)
				var res connectors.Result
				require.NoError(t, json.Unmarshal([]byte(out), &res), out)
				return res
			}
			created := iam("create-user", `{"employeeid": "1001", "email": "`+login+`", "username": "`+login+`",
				"givenname": "Ada", "surname": "Lovelace", "displayname": "Ada Lovelace", "department": "Engineering", "title": "Analyst"}`)
			require.True(t, created.Success)
			assert.Equal(t, accountState{"Analyst", "Engineering", "Ada", true}, state())

			// A profile without a department leaves it alone (HR's full profile would clear it).
			iam("update-user", `{"employeeid": "1001", "email": "`+login+`", "username": "`+login+`",
				"givenname": "Ada", "surname": "Lovelace", "title": "Lead Analyst"}`)
			assert.Equal(t, accountState{"Lead Analyst", "Engineering", "Ada", true}, state(), "only the title changed")
			iam("update-user", `{"employeeid": "1001", "department": ""}`)
			assert.Equal(t, accountState{"Lead Analyst", "", "Ada", true}, state(), "the department cleared, nothing else")

			byID, byEmail := `{"employeeid": "1001"}`, `{"email": "`+login+`"}`
			for _, key := range []string{byID, byEmail} {
				got := iam("get-user", key)
				assert.False(t, got.Skipped, key)
				assert.Equal(t, created.ID, got.ID, key)
			}

			disabled := iam("disable-user", byID)
			assert.False(t, disabled.Skipped || disabled.Active)
			assert.Equal(t, accountState{"Lead Analyst", "", "Ada", false}, state())
		})
	}
}

// accountState is what TestIAMPartialProfilesOnTheStandIns reads of an account.
type accountState struct {
	title, department, firstName string
	active                       bool
}

func text(v any) string {
	s, _ := v.(string)
	return s
}
