package wiring

import (
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/scim"
	"github.com/ilm-dev/ilm/connectors/servicenow"
	"github.com/ilm-dev/ilm/internal/redact"
	"github.com/ilm-dev/ilm/mappers"
)

// scimClient builds the connector of a scim instance.
func scimClient(name string, c *config.SCIM, secrets *redact.Redactor) (*scim.Client, error) {
	token, err := c.Token()
	if err != nil {
		return nil, err
	}
	secrets.Add(token)
	m, err := mappers.Load(c.Mapper)
	if err != nil {
		return nil, err
	}
	return scim.New(scim.Config{
		Instance:          name,
		Vendor:            c.Vendor,
		BaseURL:           c.BaseURL,
		Token:             token,
		CAFile:            c.CAFile,
		UserAgent:         c.UserAgent,
		UpdateMethod:      c.UpdateMethod,
		Mapper:            m,
		CreateIfNotExists: c.CreateIfNotExists,
		Binding:           connectors.Binding{AdoptUnlinked: c.AdoptUnlinkedAccounts},
		Operations:        operations(c.Operations),
		Timeout:           c.Timeout.Duration,
	})
}

// serviceNow builds the connector of a servicenow instance.
func serviceNow(name string, c *config.ServiceNow, secrets *redact.Redactor) (*servicenow.Client, error) {
	username, password, token, err := c.Credentials()
	if err != nil {
		return nil, err
	}
	secrets.AddBasic(username, password)
	secrets.Add(token)
	m, err := mappers.Load(c.Mapper)
	if err != nil {
		return nil, err
	}
	return servicenow.New(servicenow.Config{
		Instance:          name,
		URL:               c.URL,
		Username:          username,
		Password:          password,
		Token:             token,
		CAFile:            c.CAFile,
		MatchField:        c.MatchField,
		Mapper:            m,
		CreateIfNotExists: c.CreateIfNotExists,
		Binding:           connectors.Binding{AdoptUnlinked: c.AdoptUnlinkedAccounts},
		Operations:        operations(c.Operations),
		Timeout:           c.Timeout.Duration,
	})
}
