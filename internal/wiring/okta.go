package wiring

import (
	"context"
	"fmt"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
	"github.com/ilm-dev/ilm/internal/redact"
	"github.com/ilm-dev/ilm/mappers"
)

// oktaClient builds the connector of an okta instance.
func oktaClient(ctx context.Context, name string, c *config.Okta, secrets *redact.Redactor) (*okta.Client, error) {
	token, err := c.Token()
	if err != nil {
		return nil, err
	}
	secrets.Add(token)
	m, err := mappers.Load(c.Mapper)
	if err != nil {
		return nil, err
	}
	return okta.New(ctx, okta.Config{
		Instance:            name,
		OrgURL:              c.OrgURL,
		Token:               token,
		CAFile:              c.CAFile,
		Mapper:              m,
		CreateIfNotExists:   c.CreateIfNotExists,
		Binding:             connectors.Binding{AdoptUnlinked: c.AdoptUnlinkedAccounts},
		Operations:          operations(c.Operations),
		Timeout:             c.Timeout.Duration,
		RateLimitMaxRetries: c.RateLimitMaxRetries,
	})
}

// OktaOrgs builds the Okta instances App Sync reads, by instance name.
func (e *Env) OktaOrgs(ctx context.Context) (map[string]activities.OktaOrg, error) {
	orgs := map[string]activities.OktaOrg{}
	for _, in := range e.Config.Instances {
		if in.Okta == nil {
			continue
		}
		client, err := oktaClient(ctx, in.Name, in.Okta, e.Secrets())
		if err != nil {
			return nil, fmt.Errorf("instance %q: %w", in.Name, err)
		}
		incoming, err := mappers.Load(in.Okta.IncomingMapper)
		if err != nil {
			return nil, fmt.Errorf("instance %q: %w", in.Name, err)
		}
		orgs[in.Name] = activities.OktaOrg{Client: client, Incoming: incoming}
	}
	return orgs, nil
}
