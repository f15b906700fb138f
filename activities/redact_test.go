package activities

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/connectors/okta"
	"github.com/ilm-dev/ilm/connectors/scim"
	"github.com/ilm-dev/ilm/connectors/servicenow"
	"github.com/ilm-dev/ilm/internal/redact"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

// logLines is a Temporal logger that keeps every line, values included.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) add(level, msg string, keyvals ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprint(append([]any{level, msg}, keyvals...)...))
}

func (l *logLines) Debug(msg string, kv ...any) { l.add("DEBUG", msg, kv...) }
func (l *logLines) Info(msg string, kv ...any)  { l.add("INFO", msg, kv...) }
func (l *logLines) Warn(msg string, kv ...any)  { l.add("WARN", msg, kv...) }
func (l *logLines) Error(msg string, kv ...any) { l.add("ERROR", msg, kv...) }

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// asWorker runs one target call the way the worker does, its interceptors installed, and
// returns the error as it would enter workflow history (the whole failure, causes
// included) and every log line.
func asWorker(t *testing.T, a *Activities, req TargetRequest) (history, logs string) {
	t.Helper()
	lines := &logLines{}
	var s testsuite.WorkflowTestSuite
	s.SetLogger(lines)
	env := s.NewTestActivityEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: Interceptors(a)})
	env.RegisterActivity(a)
	_, err := env.ExecuteActivity(a.ProvisionTarget, req)
	require.Error(t, err)
	failure := temporal.GetDefaultFailureConverter().ErrorToFailure(err)
	data, jerr := json.Marshal(failure)
	require.NoError(t, jerr)
	return err.Error() + "\n" + string(data), lines.String()
}

// assertNoSecret checks that neither the secret nor a common encoding of it shows.
func assertNoSecret(t *testing.T, text, secret string) {
	t.Helper()
	assert.NotContains(t, text, secret)
	assert.NotContains(t, text, base64.StdEncoding.EncodeToString([]byte(secret)))
}

var update = TargetRequest{Call: TargetCall{Instance: "app", Operation: connectors.OpUpdate}, Profile: ann}

// echo answers every request with status and an error body that quotes the request's
// Authorization header, as a misbehaving app or proxy might.
func echo(t *testing.T, status int, body func(auth string) any) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body(r.Header.Get("Authorization")))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSCIMErrorEchoingTheBearerTokenIsRedacted(t *testing.T) {
	const token = "scim-bearer-7Hq2xZ9"
	srv := echo(t, http.StatusBadRequest, func(auth string) any {
		return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
			"status": "400", "detail": "token not accepted: " + auth}
	})
	m, err := mappers.Stock("scim-outgoing")
	require.NoError(t, err)
	client, err := scim.New(scim.Config{Instance: "app", Vendor: scim.VendorGeneric, BaseURL: srv.URL, Token: token,
		HTTPClient: srv.Client(), Mapper: m, UpdateMethod: "put", Operations: connectors.AllOperations, Timeout: 5 * time.Second})
	require.NoError(t, err)
	a := &Activities{Targets: map[string]connectors.Target{"app": client}, Redactor: redact.New(token)}

	history, logs := asWorker(t, a, update)
	assert.Contains(t, history, "token not accepted", "the app's detail is kept")
	assertNoSecret(t, history, token)
	assertNoSecret(t, logs, token)
}

func TestOktaErrorEchoingTheSSWSTokenIsRedacted(t *testing.T) {
	const token = "00okta-ssws-Qm4vX81"
	srv := echo(t, http.StatusBadRequest, func(auth string) any {
		return map[string]any{"errorCode": "E0000001", "errorSummary": "Api validation failed: " + auth,
			"errorCauses": []map[string]string{{"errorSummary": "credential " + strings.TrimPrefix(auth, "SSWS ")}}}
	})
	m, err := mappers.Stock("okta-outgoing")
	require.NoError(t, err)
	client, err := okta.New(context.Background(), okta.Config{Instance: "app", OrgURL: srv.URL, Token: token,
		HTTPClient: srv.Client(), Mapper: m, Operations: connectors.AllOperations, Timeout: 5 * time.Second, RateLimitMaxRetries: 1})
	require.NoError(t, err)
	a := &Activities{Targets: map[string]connectors.Target{"app": client}, Redactor: redact.New(token)}

	history, logs := asWorker(t, a, update)
	assert.Contains(t, history, "E0000001")
	assertNoSecret(t, history, token)
	assertNoSecret(t, logs, token)
}

func TestServiceNowErrorEchoingBasicCredentialsIsRedacted(t *testing.T) {
	const user, password = "svc.ilm", "sn-basic-Pw-5521"
	srv := echo(t, http.StatusBadRequest, func(auth string) any {
		return map[string]any{"error": map[string]string{"message": "Invalid request", "detail": "header was " + auth}, "status": "failure"}
	})
	client, err := servicenow.New(servicenow.Config{Instance: "app", URL: srv.URL, Username: user, Password: password,
		HTTPClient: srv.Client(), Operations: connectors.AllOperations, Timeout: 5 * time.Second})
	require.NoError(t, err)
	secrets := redact.New()
	secrets.AddBasic(user, password)
	a := &Activities{Targets: map[string]connectors.Target{"app": client}, Redactor: secrets}

	history, logs := asWorker(t, a, update)
	assert.Contains(t, history, "header was")
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	for _, text := range []string{history, logs} {
		assertNoSecret(t, text, password)
		assert.NotContains(t, text, basic)
	}
}

// A target error of no known class that carries a configured secret (an AD bind password
// in a proxy's answer) is an application error without it, and so is every cause recorded.
func TestUnclassifiedTargetErrorCarryingAPasswordIsRedacted(t *testing.T) {
	const bindPassword = "ad-bind-Secret-99"
	a := &Activities{Targets: map[string]connectors.Target{"app": failing{fmt.Errorf("bind: %w",
		fmt.Errorf("ldap proxy: refused password %s", bindPassword))}}, Redactor: redact.New(bindPassword)}

	history, logs := asWorker(t, a, update)
	assert.Contains(t, history, "refused password ***")
	assertNoSecret(t, history, bindPassword)
	assertNoSecret(t, logs, bindPassword)
}

// failing is a target whose every call fails with err.
type failing struct{ err error }

func (f failing) Get(context.Context, profile.Profile) (connectors.Result, error) {
	return connectors.Result{}, f.err
}
func (f failing) Create(context.Context, profile.Profile) (connectors.Result, error) {
	return connectors.Result{}, f.err
}
func (f failing) Update(context.Context, profile.Profile, connectors.UpdateOptions) (connectors.Result, error) {
	return connectors.Result{}, f.err
}
func (f failing) Disable(context.Context, profile.Profile) (connectors.Result, error) {
	return connectors.Result{}, f.err
}

// echoingMail is a mail server that refuses the message and quotes it back.
type echoingMail struct{}

func (echoingMail) Send(_ context.Context, m mail.Message) error {
	return fmt.Errorf("554 message refused: %s", m.Body)
}

// The temporary password lives in the activation activity only; when the mail server quotes
// it back in its refusal, neither the error nor the logs carry it.
func TestActivationErrorQuotingTheTemporaryPasswordIsRedacted(t *testing.T) {
	a, ad := activation(t, nil)
	a.Mail.Sender = echoingMail{}
	history, logs := asWorker(t, a, activate)
	account, _ := ad.Account("1001")
	require.NotEmpty(t, account.Password)
	assert.Contains(t, history, "554 message refused")
	assertNoSecret(t, history, account.Password)
	assertNoSecret(t, logs, account.Password)
}
