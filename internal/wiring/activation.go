package wiring

import (
	"fmt"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/connectors/password"
	"github.com/ilm-dev/ilm/internal/redact"
)

// Mail builds the activities' mail: the templates, and the sender when smtp is configured
// (without it AD activation refuses to run, saying why, and failures are not mailed).
func (e *Env) Mail() (activities.Mail, error) {
	templates, err := mail.LoadTemplates(e.Config.Provisioning.TemplatesDir)
	if err != nil {
		return activities.Mail{}, fmt.Errorf("provisioning.templates_dir: %w", err)
	}
	m := activities.Mail{Templates: templates}
	if e.Config.SMTP.Enabled() {
		sender, err := mailer(&e.Config.SMTP, e.Secrets())
		if err != nil {
			return activities.Mail{}, fmt.Errorf("smtp: %w", err)
		}
		m.Sender = sender
	}
	return m, nil
}

// Activation builds what the AD activation step needs besides mail.
func (e *Env) Activation() activities.Activation {
	prov := e.Config.Provisioning
	return activities.Activation{Policy: passwordPolicy(prov.Password), ServiceDesk: prov.ServiceDeskEmail,
		WelcomeManager: prov.WelcomeManager}
}

func mailer(c *config.SMTP, secrets *redact.Redactor) (*mail.Mailer, error) {
	user, pass, err := c.Credentials()
	if err != nil {
		return nil, err
	}
	secrets.AddBasic(user, pass)
	return mail.New(mail.Config{Host: c.Host, Port: c.Port, From: c.From, Username: user, Password: pass,
		TLS: c.TLS, Timeout: c.Timeout.Duration})
}

// passwordPolicy reads the config's policy, its defaults applied at load.
func passwordPolicy(p config.PasswordPolicy) password.Policy {
	count := func(n *int) int {
		if n == nil {
			return 0
		}
		return *n
	}
	return password.Policy{Length: p.Length, Digits: count(p.Digits), Symbols: count(p.Symbols),
		Upper: count(p.Upper), Lower: count(p.Lower)}
}
