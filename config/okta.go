package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Okta is an Okta org: a provisioning target for the Workday flows (SPEC §1) and the source
// of App Sync (SPEC §2), whose System Log it polls.
type Okta struct {
	// OrgURL is the org's base address, https://<org>.okta.com, without a trailing slash.
	// http:// is accepted only for a loopback host (the local stand-in).
	OrgURL    string `yaml:"org_url"`
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// CAFile is a PEM bundle that verifies the org's certificate instead of the system pool.
	CAFile string `yaml:"ca_file"`
	// Mapper maps a profile to the Okta user profile (create and update alike).
	Mapper string `yaml:"mapper"`
	// IncomingMapper maps an Okta user profile back to profile fields, for App Sync.
	IncomingMapper string `yaml:"incoming_mapper"`
	TargetSettings `yaml:",inline"`
	// PollInterval is how often the Schedule polls the System Log.
	PollInterval Duration `yaml:"poll_interval"`
	// FirstFetch is how far back the first poll of the System Log reads.
	FirstFetch Duration `yaml:"first_fetch"`
	// QueryOnlyMappedApps asks the System Log only for membership events of apps in the
	// app map (and profile updates); otherwise QueryFilter, when set, is the filter.
	QueryOnlyMappedApps bool   `yaml:"query_only_mapped_apps"`
	QueryFilter         string `yaml:"query_filter"`
	// PageLimit is the System Log page size (1–1000).
	PageLimit int `yaml:"page_limit"`
	// RateLimitMaxRetries is how many times the SDK waits out a 429 before the call fails
	// (and the activity's own retry takes over).
	RateLimitMaxRetries int32 `yaml:"rate_limit_max_retries"`
}

func (o *Okta) applyDefaults() {
	if o.Mapper == "" {
		o.Mapper = "mappers/okta-outgoing.yaml"
	}
	if o.IncomingMapper == "" {
		o.IncomingMapper = "mappers/okta-incoming.yaml"
	}
	if o.PollInterval.Duration == 0 {
		o.PollInterval.Duration = time.Minute
	}
	if o.FirstFetch.Duration == 0 {
		o.FirstFetch.Duration = 24 * time.Hour
	}
	if o.PageLimit == 0 {
		o.PageLimit = 1000
	}
	if o.RateLimitMaxRetries == 0 {
		o.RateLimitMaxRetries = 2
	}
}

func (o *Okta) validate(key string) []error {
	var errs []error
	if err := checkOrgURL(o.OrgURL); err != nil {
		errs = append(errs, fmt.Errorf("%s.org_url: %w", key, err))
	}
	errs = append(errs, oneSecret(key, "token_env", o.TokenEnv, "token_file", o.TokenFile)...)
	if o.QueryOnlyMappedApps && o.QueryFilter != "" {
		errs = append(errs, fmt.Errorf("%s: set query_only_mapped_apps or query_filter, not both", key))
	}
	if o.PageLimit < 1 || o.PageLimit > 1000 {
		errs = append(errs, fmt.Errorf("%s.page_limit: %d is not between 1 and 1000", key, o.PageLimit))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"poll_interval", o.PollInterval.Duration}, {"first_fetch", o.FirstFetch.Duration}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s.%s: must be positive", key, d.name))
		}
	}
	if o.FirstFetch.Duration > 180*24*time.Hour {
		errs = append(errs, fmt.Errorf("%s.first_fetch: Okta keeps no System Log older than 180 days", key))
	}
	return errs
}

// checkOrgURL accepts https://host[:port] and, for loopback hosts only, http://.
func checkOrgURL(s string) error {
	if err := checkBaseURL(s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if strings.TrimSuffix(u.Path, "/") != "" || u.RawQuery != "" || strings.HasSuffix(s, "/") {
		return fmt.Errorf("%q must be the org's base address, with no path or trailing slash", s)
	}
	return nil
}

// checkBaseURL accepts an https:// address and, for loopback hosts only, http://: tokens and
// passwords travel over TLS.
func checkBaseURL(s string) error {
	if s == "" {
		return fmt.Errorf("required")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an address such as https://example.com", s)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q: http:// is allowed only for a loopback host; the credentials must travel over TLS", s)
	default:
		return fmt.Errorf("%q must start with https://", s)
	}
}

// oneSecret checks that exactly one of a secret's two sources is set.
func oneSecret(key, envKey, env, fileKey, file string) []error {
	switch {
	case env == "" && file == "":
		return []error{fmt.Errorf("%s: %s or %s is required", key, envKey, fileKey)}
	case env != "" && file != "":
		return []error{fmt.Errorf("%s: set %s or %s, not both", key, envKey, fileKey)}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Token resolves the API token from the environment or a file.
func (o *Okta) Token() (string, error) {
	return Secret("token", o.TokenEnv, o.TokenFile)
}

// OktaInstance returns the okta instance called name, or an error that says why not.
func (c *Config) OktaInstance(name string) (*Okta, error) {
	in, ok := c.Instance(name)
	if !ok {
		return nil, fmt.Errorf("no instance named %q in the config (have: %s)", name, strings.Join(c.instanceNames(), ", "))
	}
	if in.Okta == nil {
		return nil, fmt.Errorf("instance %q is of type %s, not %s", name, in.Type, TypeOkta)
	}
	return in.Okta, nil
}

// OktaInstances returns the names of every okta instance, in file order.
func (c *Config) OktaInstances() []string {
	var names []string
	for _, in := range c.Instances {
		if in.Okta != nil {
			names = append(names, in.Name)
		}
	}
	return names
}
