package activities

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/connectors/password"
	"github.com/ilm-dev/ilm/internal/testing/testtarget"
	"github.com/ilm-dev/ilm/profile"
)

// outbox is a Sender that keeps what it sends, or fails with err.
type outbox struct {
	mu   sync.Mutex
	sent []mail.Message
	err  error
}

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	o.sent = append(o.sent, m)
	return nil
}

var ann = profile.Profile{Fields: profile.Fields{
	profile.EmployeeID: "1001", profile.Email: "ann.lee@example.com", profile.Username: "ann.lee",
	profile.DisplayName: "Ann Lee", profile.GivenName: "Ann", profile.Surname: "Lee",
}}

// activation returns activities with an AD-like target holding Ann's disabled account.
func activation(t *testing.T, box *outbox) (*Activities, *testtarget.Memory) {
	t.Helper()
	ad := testtarget.New("ad")
	_, err := ad.Create(t.Context(), ann)
	require.NoError(t, err)
	templates, err := mail.LoadTemplates("")
	require.NoError(t, err)
	a := &Activities{
		Targets: map[string]connectors.Target{"ad": ad},
		Mail:    Mail{Sender: box, Templates: templates},
		Activation: Activation{ServiceDesk: "service-desk@example.com",
			Policy: password.Policy{Length: 16, Digits: 3, Symbols: 2, Upper: 1, Lower: 1}},
	}
	return a, ad
}

// provision runs ProvisionTarget as the worker does, so errors come back as Temporal sees them.
func provision(t *testing.T, a *Activities, req TargetRequest) (connectors.Result, error) {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: Interceptors(a)})
	env.RegisterActivity(a)
	v, err := env.ExecuteActivity(a.ProvisionTarget, req)
	if err != nil {
		return connectors.Result{}, err
	}
	var res connectors.Result
	require.NoError(t, v.Get(&res))
	return res, nil
}

var activate = TargetRequest{Call: TargetCall{Instance: "ad", Operation: connectors.OpActivate}, Profile: ann}

func TestActivationSetsEnablesAndMailsThePassword(t *testing.T) {
	box := &outbox{}
	a, ad := activation(t, box)
	res, err := provision(t, a, activate)
	require.NoError(t, err)

	account, _ := ad.Account("1001")
	assert.True(t, account.Active)
	assert.Equal(t, []connectors.Operation{connectors.OpCreate, connectors.OpSetPassword, connectors.OpEnable}, ad.Calls(),
		"the account is enabled only after the password was mailed")
	pw := account.Password
	assert.True(t, password.MeetsADComplexity(pw, "ann.lee", "Ann Lee"), pw)

	require.Len(t, box.sent, 1)
	msg := box.sent[0]
	assert.Equal(t, []string{"service-desk@example.com"}, msg.To)
	assert.Contains(t, msg.Body, pw, "the mail carries the password that was set")
	assert.Contains(t, msg.Subject+msg.Body, "Ann Lee")

	assert.Equal(t, connectors.OpActivate, res.Action)
	assert.True(t, res.Success && res.Active)
	out, err := json.Marshal(res)
	require.NoError(t, err)
	assert.NotContains(t, string(out), pw, "the result, which enters workflow history, has no password")

}

// A second activation of the account (a duplicate incident, a replayed event) finds it
// enabled: the person's password is not reset, and nothing is mailed.
func TestActivationOfAnEnabledAccountIsSkipped(t *testing.T) {
	box := &outbox{}
	a, ad := activation(t, box)
	_, err := provision(t, a, activate)
	require.NoError(t, err)
	first, _ := ad.Account("1001")

	res, err := provision(t, a, activate)
	require.NoError(t, err)
	assert.True(t, res.Success && res.Skipped)
	assert.Equal(t, connectors.ReasonEnabledNoReset, res.Reason)
	again, _ := ad.Account("1001")
	assert.Equal(t, first.Password, again.Password, "the password was not reset")
	assert.Len(t, box.sent, 1, "no second mail")
}

// A mail that failed leaves the account disabled, so the retry sets and mails a new password
// and the account is enabled with the one the service desk has.
func TestActivationRetriedAfterAFailedMailStartsOver(t *testing.T) {
	box := &outbox{err: &connectors.CodedError{Class: connectors.ErrUnavailable, Message: "try later"}}
	a, ad := activation(t, box)
	_, err := provision(t, a, activate)
	require.Error(t, err)
	account, _ := ad.Account("1001")
	assert.False(t, account.Active, "not enabled with a password nobody has")

	box.err = nil
	_, err = provision(t, a, activate)
	require.NoError(t, err)
	account, _ = ad.Account("1001")
	assert.True(t, account.Active)
	require.Len(t, box.sent, 1)
	assert.Contains(t, box.sent[0].Body, account.Password)
}

func TestActivationNeedsMail(t *testing.T) {
	a, ad := activation(t, &outbox{})
	a.Activation.ServiceDesk = ""
	_, err := provision(t, a, activate)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "configure smtp and provisioning.service_desk_email")
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable())
	assert.Equal(t, ErrTypeConfig, appErr.Type())
	assert.NotContains(t, appErr.Message(), "retryable", "the message is said once")
	assert.Equal(t, []connectors.Operation{connectors.OpCreate}, ad.Calls(), "no password set that nobody would learn")
}

func TestActivationMailFailureHidesThePassword(t *testing.T) {
	box := &outbox{err: &connectors.CodedError{Class: connectors.ErrUnavailable, Code: "smtp 451", Message: "try later"}}
	a, ad := activation(t, box)
	_, err := provision(t, a, activate)
	require.Error(t, err)
	account, _ := ad.Account("1001")
	assert.NotContains(t, err.Error(), account.Password)
	assert.Contains(t, err.Error(), "mail the temporary password to the service desk")
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.False(t, appErr.NonRetryable(), "an unavailable mail server is retried")
}

func TestActivationNeedsAnActivator(t *testing.T) {
	a, _ := activation(t, &outbox{})
	a.Targets["apps"] = plainTarget{}
	req := activate
	req.Call.Instance = "apps"
	_, err := provision(t, a, req)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), `instance "apps" cannot activate accounts`), err.Error())
}

// plainTarget is a target without passwords.
type plainTarget struct{ connectors.Target }

func TestActivationWelcomesTheManager(t *testing.T) {
	box := &outbox{}
	a, ad := activation(t, box)
	a.Activation.WelcomeManager = true
	withManager := ann
	withManager.Fields = ann.Fields.Clone()
	withManager.Fields[profile.ManagerEmailAddress] = "boss@example.com"
	withManager.Fields[profile.ManagerName] = "Bo Boss"
	req := activate
	req.Profile = withManager
	_, err := provision(t, a, req)
	require.NoError(t, err)

	require.Len(t, box.sent, 2)
	welcome := box.sent[1]
	assert.Equal(t, []string{"boss@example.com"}, welcome.To)
	assert.Contains(t, welcome.Body, "Bo Boss")
	assert.Contains(t, welcome.Body, "ann.lee")
	account, _ := ad.Account("1001")
	assert.NotContains(t, welcome.Subject+welcome.Body, account.Password, "the manager never gets the password")

	// No manager address: no welcome, and the activation stands.
	box.sent = nil
	_, err = ad.Disable(t.Context(), ann)
	require.NoError(t, err)
	_, err = provision(t, a, activate)
	require.NoError(t, err)
	assert.Len(t, box.sent, 1)
}

// oneLookup is an AD-like target that activates in one call (connectors.OneLookupActivator),
// counting those calls.
type oneLookup struct {
	*testtarget.Memory
	activations int
}

func (o *oneLookup) Activate(ctx context.Context, p profile.Profile, pw string,
	deliver func(context.Context, connectors.Result) error) (connectors.Result, error) {
	o.activations++
	set, err := o.SetPassword(ctx, p, pw)
	if err != nil || set.Skipped {
		return set, err
	}
	if err := deliver(ctx, set); err != nil {
		return connectors.Result{}, err
	}
	return o.Enable(ctx, p)
}

// A target that activates in one call gets one call, with the mail of the password it set
// delivered in it; an enabled account is skipped without a mail, and a failed mail leaves
// the account disabled.
func TestActivationInOneCall(t *testing.T) {
	box := &outbox{err: &connectors.CodedError{Class: connectors.ErrUnavailable, Message: "try later"}}
	a, ad := activation(t, box)
	one := &oneLookup{Memory: ad}
	a.Targets["ad"] = one
	_, err := provision(t, a, activate)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mail the temporary password to the service desk")
	account, _ := ad.Account("1001")
	assert.False(t, account.Active, "not enabled with a password nobody has")

	box.err = nil
	res, err := provision(t, a, activate)
	require.NoError(t, err)
	assert.Equal(t, 2, one.activations, "the activity called Activate, not SetPassword and Enable")
	account, _ = ad.Account("1001")
	assert.True(t, account.Active)
	require.Len(t, box.sent, 1)
	assert.Contains(t, box.sent[0].Body, account.Password, "the mail carries the password that was set")
	assert.Equal(t, connectors.OpActivate, res.Action)
	assert.True(t, res.Success && res.Active && !res.Skipped)

	res, err = provision(t, a, activate)
	require.NoError(t, err)
	assert.True(t, res.Success && res.Skipped)
	assert.Equal(t, connectors.ReasonEnabledNoReset, res.Reason)
	assert.Len(t, box.sent, 1, "no second mail")
}
