package wiring

import (
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors/scim"
	"github.com/ilm-dev/ilm/mappers"
)

// scimClient builds the connector of a scim instance.
func scimClient(name string, c *config.SCIM) (*scim.Client, error) {
	token, err := c.Token()
	if err != nil {
		return nil, err
	}
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
		Operations:        operations(c.Operations),
		Timeout:           c.Timeout.Duration,
	})
}
