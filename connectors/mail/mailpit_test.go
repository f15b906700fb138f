package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/testing/mailpittest"
)

// These tests send through a real mailpit (scripts/mailpit.sh, started by scripts/test.sh)
// and read each mail back through its HTTP API. They change mailpit's chaos settings, which
// are server-wide, so they do not run in parallel and restore them when done.

// mailpit is the test mailpit (internal/testing/mailpittest) of one test, which can also set its
// chaos.
type mailpit struct {
	*mailpittest.Server
	t *testing.T
}

// startMailpit returns the mailpit of ILM_TEST_SMTP_ADDR / ILM_TEST_MAILPIT_API, with no
// chaos until the test ends, and a Mailer that sends to it; it skips the test when none is
// configured.
func startMailpit(t *testing.T, mod func(*Config)) (*mailpit, *Mailer) {
	t.Helper()
	mp := &mailpit{Server: mailpittest.New(t), t: t}
	mp.chaos(0, 0, 0)
	t.Cleanup(func() { mp.chaos(0, 0, 0) })
	return mp, mailer(t, mp.Host, mp.Port, mod)
}

// chaos makes mailpit answer MAIL FROM, RCPT TO or AUTH with an error code (0 = never).
func (mp *mailpit) chaos(sender, recipient, auth int) {
	mp.t.Helper()
	trigger := func(code int) map[string]int {
		if code == 0 {
			return map[string]int{"ErrorCode": 451, "Probability": 0}
		}
		return map[string]int{"ErrorCode": code, "Probability": 100}
	}
	body, _ := json.Marshal(map[string]any{"Sender": trigger(sender), "Recipient": trigger(recipient), "Authentication": trigger(auth)})
	req, err := http.NewRequest(http.MethodPut, mp.API+"/api/v1/chaos", bytes.NewReader(body))
	require.NoError(mp.t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(mp.t, err)
	resp.Body.Close()
	require.Equal(mp.t, http.StatusOK, resp.StatusCode, "mailpit chaos (is it started with --enable-chaos, as scripts/mailpit.sh does?)")
}

func token() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }

func recipients(as []mailpittest.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Address
	}
	return out
}

func TestMailpitTemporaryPassword(t *testing.T) {
	mp, m := startMailpit(t, nil)
	tok := token()
	username := "jsmith" + tok
	msg, err := stock(t).RenderTemporaryPassword(TemporaryPassword{Name: "Jane Smith", Username: username, Email: "jane.smith@example.com", Instance: "ad", Password: temporaryPassword, MustChange: true})
	require.NoError(t, err)
	msg.To = []string{"service-desk@example.com"}
	require.NoError(t, m.Send(context.Background(), msg))

	got := mp.Find(t, username)
	assert.Equal(t, []string{"service-desk@example.com"}, recipients(got.To))
	assert.Equal(t, "ilm@example.com", got.From.Address)
	assert.Equal(t, "Temporary password for Jane Smith ("+username+")", got.Subject)
	assert.Contains(t, got.Text, "Temporary password: "+temporaryPassword)
	assert.Contains(t, got.Text, "Username:    "+username)
}

func TestMailpitProvisioningFailure(t *testing.T) {
	mp, m := startMailpit(t, nil)
	tok := token()
	url := "http://localhost:8233/namespaces/default/workflows/person%2FE" + tok
	msg, err := stock(t).RenderProvisioningFailure(ProvisioningFailure{Name: "Jane Smith", EmployeeID: "E" + tok, Incident: "NewHire", Instance: "ad-" + tok, Action: "create", Error: "LDAP Result Code 53: unwilling to perform", WorkflowID: "person/E" + tok, WorkflowURL: url})
	require.NoError(t, err)
	msg.To = []string{"it-alerts@example.com", "oncall@example.com"}
	require.NoError(t, m.Send(context.Background(), msg))

	got := mp.Find(t, "ad-"+tok)
	assert.ElementsMatch(t, []string{"it-alerts@example.com", "oncall@example.com"}, recipients(got.To))
	assert.Equal(t, "ILM: NewHire of Jane Smith failed on ad-"+tok, got.Subject)
	assert.Contains(t, got.Text, "Error:       LDAP Result Code 53: unwilling to perform")
	assert.Contains(t, got.Text, url)
}

func TestMailpitWelcome(t *testing.T) {
	mp, m := startMailpit(t, nil)
	tok := token()
	msg, err := stock(t).RenderWelcome(Welcome{ManagerName: "Bo Chen", Name: "José Núñez " + tok, Username: "jnunez", StartDate: "2026-12-01"})
	require.NoError(t, err)
	msg.To = []string{"bo.chen@example.com"}
	require.NoError(t, m.Send(context.Background(), msg))

	got := mp.Find(t, tok)
	assert.Equal(t, []string{"bo.chen@example.com"}, recipients(got.To))
	assert.Equal(t, "Accounts ready for José Núñez "+tok, got.Subject, "non-ASCII names survive the header encoding")
	assert.Contains(t, got.Text, "Hello Bo Chen,")
	assert.Contains(t, got.Text, "Username: jnunez")
}

func TestMailpitSMTPAuth(t *testing.T) {
	mp, m := startMailpit(t, func(c *Config) { c.Username, c.Password = "ilm", "smtp-S3cret-pw" })
	tok := token()
	require.NoError(t, m.Send(context.Background(), Message{To: []string{"a@example.com"}, Subject: "auth " + tok, Body: "hello"}))
	assert.Equal(t, "auth "+tok, mp.Find(t, tok).Subject)

	// With AUTH failing, the send fails: the credentials were used, and never shown.
	mp.chaos(0, 0, 535)
	err := m.Send(context.Background(), Message{To: []string{"a@example.com"}, Subject: "auth fails " + tok, Body: "hello"})
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.NotContains(t, err.Error(), "smtp-S3cret-pw")
	t.Log(err)
}

func TestMailpitFailuresAreClassifiedWithoutThePassword(t *testing.T) {
	mp, m := startMailpit(t, nil)
	cases := []struct {
		name              string
		sender, recipient int
		class             error
		retryable         bool
		code              string
	}{
		{"recipient 451", 0, 451, connectors.ErrUnavailable, true, "smtp 451"},
		{"recipient 550", 0, 550, connectors.ErrInvalid, false, "smtp 550"},
		{"sender 421", 421, 0, connectors.ErrUnavailable, true, "smtp 421"},
		{"sender 554", 554, 0, connectors.ErrInvalid, false, "smtp 554"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mp.chaos(tc.sender, tc.recipient, 0)
			err := m.Send(context.Background(), passwordMail(t))
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.class)
			assert.Equal(t, tc.retryable, connectors.Retryable(err))
			assert.True(t, strings.HasPrefix(err.Error(), tc.code+": "), err.Error())
			assert.NotContains(t, err.Error(), temporaryPassword)
			assert.NotContains(t, fmt.Sprintf("%+v", err), temporaryPassword)
			t.Log(err)
		})
	}
}
