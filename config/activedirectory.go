package config

import (
	"fmt"
	"strings"
)

// ActiveDirectory is an Active Directory target instance (SPEC §1), reached over LDAPS.
type ActiveDirectory struct {
	URL                string `yaml:"url"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
	// CAFile is a PEM bundle that verifies the DC's certificate instead of the system pool.
	CAFile           string `yaml:"ca_file"`
	BindDN           string `yaml:"bind_dn"`
	BindPasswordEnv  string `yaml:"bind_password_env"`
	BindPasswordFile string `yaml:"bind_password_file"`
	BaseDN           string `yaml:"base_dn"`
	// DisabledUsersGroup is the DN of a group disabled accounts join; empty means none.
	DisabledUsersGroup string `yaml:"disabled_users_group"`
	// MaxConnections bounds the bound connections the instance holds open at once; zero
	// means the connector's default.
	MaxConnections int    `yaml:"max_connections"`
	Mapper         string `yaml:"mapper"`
	TargetSettings `yaml:",inline"`
}

// maxADConnections bounds max_connections: a DC serves a few hundred LDAP connections,
// and a pool this size already waits on the DC, never on itself.
const maxADConnections = 256

// Operations says which operations a target instance may perform; an absent
// key means yes.
type Operations struct {
	Create  *bool `yaml:"create"`
	Update  *bool `yaml:"update"`
	Enable  *bool `yaml:"enable"`
	Disable *bool `yaml:"disable"`
}

// Allowed reports an operation's setting, true when absent.
func Allowed(op *bool) bool { return op == nil || *op }

func (a *ActiveDirectory) applyDefaults() {
	if a.Mapper == "" {
		a.Mapper = "mappers/ad-outgoing.yaml"
	}
}

func (a *ActiveDirectory) validate(key string) []error {
	var errs []error
	switch {
	case a.URL == "":
		errs = append(errs, fmt.Errorf("%s.url: required", key))
	case !strings.HasPrefix(strings.ToLower(a.URL), "ldaps://"):
		errs = append(errs, fmt.Errorf("%s.url: %q must start with ldaps:// (binds and passwords go over TLS only)", key, a.URL))
	}
	if a.InsecureSkipVerify && a.CAFile != "" {
		errs = append(errs, fmt.Errorf("%s: set ca_file or insecure_skip_verify, not both", key))
	}
	if a.BindDN == "" {
		errs = append(errs, fmt.Errorf("%s.bind_dn: required", key))
	}
	if a.BindPasswordEnv == "" && a.BindPasswordFile == "" {
		errs = append(errs, fmt.Errorf("%s: bind_password_env or bind_password_file is required", key))
	}
	if a.BindPasswordEnv != "" && a.BindPasswordFile != "" {
		errs = append(errs, fmt.Errorf("%s: set bind_password_env or bind_password_file, not both", key))
	}
	if a.BaseDN == "" {
		errs = append(errs, fmt.Errorf("%s.base_dn: required", key))
	} else if !looksLikeDN(a.BaseDN) {
		errs = append(errs, fmt.Errorf("%s.base_dn: %q is not a DN such as DC=example,DC=com", key, a.BaseDN))
	}
	if a.DisabledUsersGroup != "" && !looksLikeDN(a.DisabledUsersGroup) {
		errs = append(errs, fmt.Errorf("%s.disabled_users_group: %q is not a DN such as CN=Disabled Users,DC=example,DC=com", key, a.DisabledUsersGroup))
	}
	if a.MaxConnections < 0 || a.MaxConnections > maxADConnections {
		errs = append(errs, fmt.Errorf("%s.max_connections: %d is not between 1 and %d (0 or absent: the default)", key, a.MaxConnections, maxADConnections))
	}
	return errs
}

// looksLikeDN checks the shape of a DN (attr=value[,attr=value…], commas in values
// escaped) without an LDAP library; the server judges the rest.
func looksLikeDN(s string) bool {
	var rdns []string
	start, escaped := 0, false
	for i, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case r == ',':
			rdns = append(rdns, s[start:i])
			start = i + 1
		}
	}
	rdns = append(rdns, s[start:])
	for _, rdn := range rdns {
		attr, value, ok := strings.Cut(rdn, "=")
		if !ok || strings.TrimSpace(attr) == "" || strings.TrimSpace(value) == "" {
			return false
		}
	}
	return true
}

// BindPassword resolves the bind password from the environment or a file.
func (a *ActiveDirectory) BindPassword() (string, error) {
	return Secret("bind_password", a.BindPasswordEnv, a.BindPasswordFile)
}

// ActiveDirectoryInstance returns the active_directory instance called name, or an error
// that says why not.
func (c *Config) ActiveDirectoryInstance(name string) (*ActiveDirectory, error) {
	in, ok := c.Instance(name)
	if !ok {
		return nil, fmt.Errorf("no instance named %q in the config (have: %s)", name, strings.Join(c.instanceNames(), ", "))
	}
	if in.ActiveDirectory == nil {
		return nil, fmt.Errorf("instance %q is of type %s, not %s", name, in.Type, TypeActiveDirectory)
	}
	return in.ActiveDirectory, nil
}
