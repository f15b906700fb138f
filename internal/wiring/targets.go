package wiring

import (
	"context"
	"fmt"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/activedirectory"
	"github.com/ilm-dev/ilm/internal/redact"
	"github.com/ilm-dev/ilm/mappers"
)

// Targets builds the provisioning targets of the config by instance name. Secrets are read
// here, once, from the environment or files the config names, and kept for redaction.
func (e *Env) Targets() (map[string]connectors.Target, error) {
	targets := map[string]connectors.Target{}
	for _, in := range e.Config.Instances {
		var t connectors.Target
		var err error
		switch {
		case in.ActiveDirectory != nil:
			t, err = activeDirectory(in.Name, in.ActiveDirectory, e.Secrets())
		case in.Okta != nil:
			t, err = oktaClient(context.Background(), in.Name, in.Okta, e.Secrets())
		case in.SCIM != nil:
			t, err = scimClient(in.Name, in.SCIM, e.Secrets())
		case in.ServiceNow != nil:
			t, err = serviceNow(in.Name, in.ServiceNow, e.Secrets())
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("instance %q: %w", in.Name, err)
		}
		targets[in.Name] = t
	}
	return targets, nil
}

// activeDirectory builds the connector of an active_directory instance.
func activeDirectory(name string, c *config.ActiveDirectory, secrets *redact.Redactor) (*activedirectory.Target, error) {
	password, err := c.BindPassword()
	if err != nil {
		return nil, err
	}
	secrets.Add(password)
	m, err := mappers.Load(c.Mapper)
	if err != nil {
		return nil, err
	}
	return activedirectory.New(activedirectory.Config{
		Instance:           name,
		URL:                c.URL,
		CAFile:             c.CAFile,
		InsecureSkipVerify: c.InsecureSkipVerify,
		BindDN:             c.BindDN,
		BindPassword:       password,
		BaseDN:             c.BaseDN,
		DisabledUsersGroup: c.DisabledUsersGroup,
		MaxConnections:     c.MaxConnections,
		Mapper:             m,
		CreateIfNotExists:  c.CreateIfNotExists,
		Binding:            connectors.Binding{AdoptUnlinked: c.AdoptUnlinkedAccounts},
		Operations:         operations(c.Operations),
		Timeout:            c.Timeout.Duration,
	})
}

// operations reads an instance's operations switches (absent means on).
func operations(o config.Operations) connectors.Operations {
	return connectors.Operations{Create: config.Allowed(o.Create), Update: config.Allowed(o.Update),
		Enable: config.Allowed(o.Enable), Disable: config.Allowed(o.Disable)}
}
