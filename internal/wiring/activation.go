package wiring

import (
	"fmt"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors/mail"
	"github.com/ilm-dev/ilm/connectors/password"
)

// Activation builds what the AD activation step needs: the password policy, the mail
// templates, and the mailer when smtp is configured (without it activation refuses to run,
// saying why).
func (e *Env) Activation() (activities.Activation, error) {
	prov := e.Config.Provisioning
	templates, err := mail.LoadTemplates(prov.TemplatesDir)
	if err != nil {
		return activities.Activation{}, fmt.Errorf("provisioning.templates_dir: %w", err)
	}
	act := activities.Activation{
		Templates:   templates,
		Policy:      passwordPolicy(prov.Password),
		ServiceDesk: prov.ServiceDeskEmail,
	}
	if e.Config.SMTP.Enabled() {
		if act.Mailer, err = mailer(&e.Config.SMTP); err != nil {
			return activities.Activation{}, fmt.Errorf("smtp: %w", err)
		}
	}
	return act, nil
}

func mailer(c *config.SMTP) (*mail.Mailer, error) {
	user, pass, err := c.Credentials()
	if err != nil {
		return nil, err
	}
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
