package config

import (
	"fmt"
)

// SCIM vendors: the dialect of SCIM 2.0 an app speaks.
const (
	VendorGeneric = "generic"
	VendorGitHub  = "github"
	VendorSlack   = "slack"
)

// SCIM is a SCIM 2.0 app (GitHub Enterprise Managed Users, Slack, any RFC 7643/7644
// service provider): a provisioning target for App Sync and the Workday flows.
type SCIM struct {
	// Vendor picks the dialect: generic, github or slack.
	Vendor string `yaml:"vendor"`
	// BaseURL is the SCIM root, e.g. https://api.github.com/scim/v2/enterprises/acme or
	// https://api.slack.com/scim/v2; http:// only for a loopback host.
	BaseURL   string `yaml:"base_url"`
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	CAFile    string `yaml:"ca_file"`
	// UserAgent is sent with every request (GitHub rejects requests without one).
	UserAgent string `yaml:"user_agent"`
	// UpdateMethod is patch, put, or auto (PATCH when the ServiceProviderConfig says so).
	UpdateMethod   string `yaml:"update_method"`
	Mapper         string `yaml:"mapper"`
	TargetSettings `yaml:",inline"`
}

func (s *SCIM) applyDefaults() {
	if s.Vendor == "" {
		s.Vendor = VendorGeneric
	}
	if s.UpdateMethod == "" {
		s.UpdateMethod = "auto"
	}
	if s.UserAgent == "" {
		s.UserAgent = "ILM-SCIM-Client/1.0"
	}
	if s.Mapper == "" {
		s.Mapper = "mappers/scim-outgoing.yaml"
	}
}

func (s *SCIM) validate(key string) []error {
	var errs []error
	switch s.Vendor {
	case VendorGeneric, VendorGitHub, VendorSlack:
	default:
		errs = append(errs, fmt.Errorf("%s.vendor: %q is not one of generic, github, slack", key, s.Vendor))
	}
	if err := checkBaseURL(s.BaseURL); err != nil {
		errs = append(errs, fmt.Errorf("%s.base_url: %w", key, err))
	}
	errs = append(errs, oneSecret(key, "token_env", s.TokenEnv, "token_file", s.TokenFile)...)
	switch s.UpdateMethod {
	case "auto", "patch", "put":
	default:
		errs = append(errs, fmt.Errorf("%s.update_method: %q is not one of auto, patch, put", key, s.UpdateMethod))
	}
	return errs
}

// Token resolves the bearer token from the environment or a file.
func (s *SCIM) Token() (string, error) { return Secret("token", s.TokenEnv, s.TokenFile) }
