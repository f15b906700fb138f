package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"

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
	// WelcomeManager mails the manager that the accounts are ready (provisioning.welcome_manager).
	WelcomeManager bool
}

// errNoActivationMail refuses to activate an account whose password nobody would learn.
var errNoActivationMail = errors.New("activating an account mails its temporary password to the service desk: configure smtp and provisioning.service_desk_email")

// activate generates a temporary password, sets it (to be changed at first logon), mails it
// to the service desk and enables the account, all here: the password never leaves this
// activity, so it is in no workflow history, result, log or error (and should the directory
// or the mail server quote it back, the activity's errors and logs are cleared of it:
// redact.go). An account that is
// already enabled is left alone, skipped: its password is the person's. The account is
// enabled last, so a retry after a failed mail finds it still disabled and starts over with
// a new password; the last mail holds the one that works.
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
	keepSecret(ctx, pw)
	deliver := func(ctx context.Context, set connectors.Result) error {
		msg, err := a.Mail.Templates.RenderTemporaryPassword(mail.TemporaryPassword{
			Name: p.DisplayName(), Username: set.Username, Email: p.Email(), EmployeeID: p.EmployeeID(),
			Instance: instance, Password: pw, MustChange: true,
		})
		if err != nil {
			return configError(err)
		}
		msg.To = []string{cfg.ServiceDesk}
		if err := a.Mail.Sender.Send(ctx, msg); err != nil {
			return fmt.Errorf("mail the temporary password to the service desk: %w", err)
		}
		return nil
	}
	var res connectors.Result
	if one, ok := act.(connectors.OneLookupActivator); ok {
		// One lookup of the account for the password and the enable. An enabled account
		// comes back as SetPassword's skip.
		if res, err = one.Activate(ctx, p, pw, deliver); err != nil || res.Skipped && res.Action == connectors.OpSetPassword {
			return res, err
		}
	} else {
		set, err := act.SetPassword(ctx, p, pw)
		if err != nil || set.Skipped {
			return set, err
		}
		if err := deliver(ctx, set); err != nil {
			return connectors.Result{}, err
		}
		if res, err = act.Enable(ctx, p); err != nil {
			return connectors.Result{}, err
		}
	}
	res.Skipped, res.Reason = false, "temporary password mailed to the service desk"
	if cfg.WelcomeManager {
		a.welcomeManager(ctx, p, res.Username)
	}
	return res, nil
}

// welcomeManager tells the manager that the person's accounts are ready. It is a courtesy:
// a manager without an address, or a mail that fails, is logged and the activation stands
// (failing would retry it, and set and mail another password).
func (a *Activities) welcomeManager(ctx context.Context, p profile.Profile, username string) {
	logger := activity.GetLogger(ctx)
	to := p.Fields.Get(profile.ManagerEmailAddress)
	if to == "" {
		logger.Info("no welcome mail: the person has no manager email")
		return
	}
	msg, err := a.Mail.Templates.RenderWelcome(mail.Welcome{ManagerName: p.Fields.Get(profile.ManagerName),
		Name: p.DisplayName(), Username: username, Email: p.Email(), StartDate: p.Fields.Get(profile.HireDate)})
	if err == nil {
		msg.To = []string{to}
		err = a.Mail.Sender.Send(ctx, msg)
	}
	if err != nil {
		logger.Warn("welcome mail to the manager not sent", "error", err)
	}
}
