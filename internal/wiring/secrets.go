package wiring

import (
	"net/url"
	"strings"

	"github.com/ilm-dev/ilm/internal/redact"
)

// Secrets is every secret the env has resolved (bind passwords, tokens, Basic and SMTP
// passwords), for the activities' redaction boundary. Building the targets, the Okta orgs
// and the mail adds to it.
func (e *Env) Secrets() *redact.Redactor {
	if e.secrets == nil {
		e.secrets = redact.New()
	}
	return e.secrets
}

// addSourceSecrets adds the secrets the worker reads again at run time, not at start: the
// Workday report's password (a poll that cannot read it says so itself), the store's and the
// Temporal API key.
func (e *Env) addSourceSecrets() {
	if key, err := e.Config.Temporal.APIKey(); err == nil {
		e.Secrets().Add(key)
	}
	for _, name := range e.Config.WorkdayInstances() {
		w, err := e.Config.WorkdayInstance(name)
		if err != nil {
			continue
		}
		if user, pass, err := w.Credentials(); err == nil {
			e.Secrets().AddBasic(user, pass)
		}
	}
	e.Secrets().Add(dsnPassword(e.Config.Store))
}

// dsnPassword is the password of a postgres:// DSN, in its user info or a password= query
// or keyword parameter; "" when it has none.
func dsnPassword(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		if pass, ok := u.User.Password(); ok {
			return pass
		}
		if pass := u.Query().Get("password"); pass != "" {
			return pass
		}
	}
	for _, field := range strings.Fields(dsn) {
		if pass, ok := strings.CutPrefix(field, "password="); ok {
			return pass
		}
	}
	return ""
}
