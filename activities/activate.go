package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/connectors/password"
	"github.com/ilm-dev/ilm/profile"
)

// Sender sends one mail; the worker wires *mail.Mailer.
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Mail is how activities send mail.
type Mail struct {
	// Sender is nil when smtp is not configured.
	Sender    Sender
	Templates *mail.Templates
}

// Activation is what activating an account needs besides its target and mail: the
// temporary password's policy and who receives it.
type Activation struct {
	Policy      password.Policy
	ServiceDesk string // provisioning.service_desk_email
}

// errNoActivationMail refuses to activate an account whose password nobody would learn.
var errNoActivationMail = errors.New("activating an account mails its temporary password to the service desk: configure smtp and provisioning.service_desk_email")

// activate generates a temporary password, sets it (to be changed at first logon), enables
// the account and mails the password to the service desk, all here: the password never
// leaves this activity, so it is in no workflow history, result, log or error. A retry
// starts over with a new password; the last mail holds the one that works.
func (a *Activities) activate(ctx context.Context, instance string, target connectors.Target, p profile.Profile) (connectors.Result, error) {
	act, ok := target.(connectors.Activator)
	if !ok {
		return connectors.Result{}, configError(fmt.Errorf("instance %q cannot activate accounts (no passwords, no enable)", instance))
	}
	cfg := a.Activation
	if a.Mail.Sender == nil || a.Mail.Templates == nil || cfg.ServiceDesk == "" {
		return connectors.Result{}, configError(errNoActivationMail)
	}
	pw, err := password.Generate(cfg.Policy, p.Fields.Get(profile.Username), p.DisplayName(),
		p.Fields.Get(profile.GivenName), p.Fields.Get(profile.Surname))
	if err != nil {
		return connectors.Result{}, configError(fmt.Errorf("provisioning.password: %w", err))
	}
	if _, err := act.SetPassword(ctx, p, pw); err != nil {
		return connectors.Result{}, err
	}
	res, err := act.Enable(ctx, p)
	if err != nil {
		return connectors.Result{}, err
	}
	msg, err := a.Mail.Templates.RenderTemporaryPassword(mail.TemporaryPassword{
		Name: p.DisplayName(), Username: res.Username, Email: p.Email(), EmployeeID: p.EmployeeID(),
		Instance: instance, Password: pw, MustChange: true,
	})
	if err != nil {
		return connectors.Result{}, configError(err)
	}
	msg.To = []string{cfg.ServiceDesk}
	if err := a.Mail.Sender.Send(ctx, msg); err != nil {
		return connectors.Result{}, fmt.Errorf("mail the temporary password to the service desk: %w", err)
	}
	res.Skipped, res.Reason = false, "temporary password mailed to the service desk"
	return res, nil
}
