package mail

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/templates"
)

func stock(t *testing.T) *Templates {
	t.Helper()
	tp, err := LoadTemplates("")
	require.NoError(t, err)
	return tp
}

func TestRenderStockTemplates(t *testing.T) {
	tp := stock(t)

	m, err := tp.RenderTemporaryPassword(TemporaryPassword{Name: "Jane Smith", Username: "jsmith", Email: "jane.smith@example.com", Instance: "ad", Password: "Xy7#kQ2!mN4p", MustChange: true})
	require.NoError(t, err)
	assert.Equal(t, "Temporary password for Jane Smith (jsmith)", m.Subject)
	assert.Contains(t, m.Body, "Temporary password: Xy7#kQ2!mN4p\n")
	assert.Contains(t, m.Body, "Username:    jsmith")
	assert.Contains(t, m.Body, "must choose a new password at first logon")
	assert.Equal(t, []string{"Xy7#kQ2!mN4p"}, m.Secrets, "Send must know what to keep out of errors")

	m, err = tp.RenderProvisioningFailure(ProvisioningFailure{Name: "Jane Smith", EmployeeID: "E100", Incident: "NewHire", Instance: "ad-corp", Action: "create", Error: "LDAP 53: unwilling to perform", WorkflowURL: "http://localhost:8233/namespaces/default/workflows/person%2FE100"})
	require.NoError(t, err)
	assert.Equal(t, "ILM: NewHire of Jane Smith failed on ad-corp", m.Subject)
	assert.Contains(t, m.Body, "Target:      ad-corp")
	assert.Contains(t, m.Body, "Error:       LDAP 53: unwilling to perform")
	assert.Contains(t, m.Body, "http://localhost:8233/namespaces/default/workflows/person%2FE100")
	assert.Empty(t, m.Secrets)

	m, err = tp.RenderWelcome(Welcome{ManagerName: "Bo Chen", Name: "Jane Smith", Username: "jsmith", StartDate: "2026-12-01"})
	require.NoError(t, err)
	assert.Equal(t, "Accounts ready for Jane Smith", m.Subject)
	assert.Contains(t, m.Body, "Hello Bo Chen,")
	assert.Contains(t, m.Body, "ready for 2026-12-01")
}

func TestSubjectIsOneLine(t *testing.T) {
	m, err := stock(t).RenderWelcome(Welcome{Name: "Jane\r\nBcc: victim@example.com", Username: "j"})
	require.NoError(t, err)
	assert.Equal(t, "Accounts ready for Jane Bcc: victim@example.com", m.Subject)
}

func TestMessagePrintsWithoutBody(t *testing.T) {
	m := Message{To: []string{"sd@example.com"}, Subject: "s", Body: "Temporary password: hunter2", Secrets: []string{"hunter2"}}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(format, m), "hunter2", format)
	}
}

// writeStock copies the stock templates into a new directory for an operator-style edit.
func writeStock(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{TemporaryPasswordFile, ProvisioningFailureFile, WelcomeFile} {
		data, err := templates.Stock.ReadFile(name)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	return dir
}

func TestOperatorTemplates(t *testing.T) {
	dir := writeStock(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, WelcomeFile),
		[]byte(`{{define "subject"}}Bienvenue {{.Name}}{{end}}{{define "body"}}Compte: {{.Username}}{{end}}`), 0o600))
	tp, err := LoadTemplates(dir)
	require.NoError(t, err)
	m, err := tp.RenderWelcome(Welcome{Name: "Jane", Username: "jsmith"})
	require.NoError(t, err)
	assert.Equal(t, "Bienvenue Jane", m.Subject)
	assert.Equal(t, "Compte: jsmith", m.Body)
}

func TestTemplateErrorsNameTheFile(t *testing.T) {
	cases := map[string]struct{ content, want string }{
		"parse error":    {`{{define "subject"}}{{.Name}{{end}}`, "temporary-password.tmpl"},
		"no subject":     {`{{define "body"}}x{{end}}`, `temporary-password.tmpl: no {{define "subject"}}`},
		"unknown field":  {`{{define "subject"}}{{.Nmae}}{{end}}{{define "body"}}x{{end}}`, "temporary-password.tmpl"},
		"missing file":   {"", "temporary-password.tmpl"},
		"unknown func":   {`{{define "subject"}}{{upper .Name}}{{end}}{{define "body"}}x{{end}}`, "temporary-password.tmpl"},
		"body uses nope": {`{{define "subject"}}x{{end}}{{define "body"}}{{.Nope}}{{end}}`, "can't evaluate field Nope"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeStock(t)
			path := filepath.Join(dir, TemporaryPasswordFile)
			if tc.content == "" {
				require.NoError(t, os.Remove(path))
			} else {
				require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			}
			_, err := LoadTemplates(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), dir, "the error names the operator's file")
		})
	}
}

func TestRenderErrorHidesThePassword(t *testing.T) {
	dir := writeStock(t)
	// Valid for the sample data at load time, failing on a real password: index out of range.
	require.NoError(t, os.WriteFile(filepath.Join(dir, TemporaryPasswordFile),
		[]byte(`{{define "subject"}}x{{end}}{{define "body"}}{{if eq .Password "Sample-1"}}ok{{else}}{{index .Password 99}}{{end}}{{end}}`), 0o600))
	tp, err := LoadTemplates(dir)
	require.NoError(t, err)
	_, err = tp.RenderTemporaryPassword(TemporaryPassword{Name: "Jane", Username: "j", Password: "Zz9!secretpw"})
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.Contains(t, err.Error(), TemporaryPasswordFile)
	assert.NotContains(t, err.Error(), "Zz9!secretpw")
}
