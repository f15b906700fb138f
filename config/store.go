package config

import (
	"errors"
	"net/url"
	"strings"
)

// StoreDSN is the store's DSN: the store key, or the environment variable store_env names.
// A postgres DSN that carries a password belongs in the environment (or in the driver's
// own PGPASSFILE), never in the config file.
func (c *Config) StoreDSN() (string, error) {
	if c.StoreEnv == "" {
		return c.Store, nil
	}
	dsn, err := Secret("store_env", c.StoreEnv, "")
	if err != nil {
		return "", err
	}
	if rest, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		if rest = strings.TrimPrefix(rest, "//"); rest != ":memory:" {
			dsn = "sqlite:" + c.Path(rest)
		}
	}
	return dsn, nil
}

func (c *Config) validateStore() []error {
	switch {
	case c.Store != "" && c.StoreEnv != "":
		return []error{errors.New("store: set store or store_env, not both")}
	case c.StoreEnv != "":
		return nil
	case !strings.HasPrefix(c.Store, "sqlite:") && !strings.HasPrefix(c.Store, "postgres://") && !strings.HasPrefix(c.Store, "postgresql://"):
		return []error{errors.New("store: must start with sqlite: or postgres://")}
	case dsnHasPassword(c.Store):
		return []error{errors.New("store: the DSN holds a password, which does not belong in the config file; put the DSN in an environment variable and name it in store_env (or give the password in PGPASSWORD or a PGPASSFILE)")}
	}
	return nil
}

// dsnHasPassword says whether a DSN carries a password: user:password@ or password=.
func dsnHasPassword(dsn string) bool {
	if u, err := url.Parse(dsn); err == nil {
		if _, ok := u.User.Password(); ok {
			return true
		}
		for k := range u.Query() {
			if strings.EqualFold(k, "password") {
				return true
			}
		}
		return false
	}
	// An unparsable URL may still carry user:password@host.
	at := strings.LastIndex(dsn, "@")
	start := strings.Index(dsn, "://")
	return strings.Contains(strings.ToLower(dsn), "password=") || (start >= 0 && at > start && strings.Contains(dsn[start+3:at], ":"))
}
