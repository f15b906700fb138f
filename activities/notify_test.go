package activities

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/lifecycle"
)

func notify(t *testing.T, a *Activities, n FailureNotice) error {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	_, err := env.ExecuteActivity(a.NotifyFailure, n)
	return err
}

var notice = FailureNotice{Type: lifecycle.NewHire, EmployeeID: "1001", Name: "Ann Lee", Instance: "ad",
	Action: connectors.OpCreate, Error: "LDAP 32: no such OU", WorkflowID: "person/1001"}

func TestNotifyFailureMailsIT(t *testing.T) {
	box := &outbox{}
	templates, err := mail.LoadTemplates("")
	require.NoError(t, err)
	cfg := &config.Config{Temporal: config.Temporal{UIURL: "http://localhost:8233/", Namespace: "default"}}
	cfg.Provisioning.ITNotificationEmail = "it-alerts@example.com"
	a := &Activities{Config: cfg, Mail: Mail{Sender: box, Templates: templates}}

	require.NoError(t, notify(t, a, notice))
	require.Len(t, box.sent, 1)
	msg := box.sent[0]
	assert.Equal(t, []string{"it-alerts@example.com"}, msg.To)
	for _, want := range []string{"ad", "LDAP 32: no such OU", "Ann Lee", "http://localhost:8233/namespaces/default/workflows/person%2F1001"} {
		assert.Contains(t, msg.Subject+"\n"+msg.Body, want)
	}
}

func TestNotifyFailureWithoutMailOnlyLogs(t *testing.T) {
	a := &Activities{Config: &config.Config{}}
	assert.NoError(t, notify(t, a, notice))
}
