package store

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// OpenFunc opens a store from a DSN whose scheme the function was registered for.
type OpenFunc func(ctx context.Context, dsn string) (Store, error)

var (
	driversMu sync.RWMutex
	drivers   = map[string]OpenFunc{}
)

// Register makes an implementation available to Open under the DSN scheme ("sqlite",
// "postgres"). It panics when open is nil or the scheme is taken, as database/sql does:
// both are programming errors found at start-up.
func Register(scheme string, open func(ctx context.Context, dsn string) (Store, error)) {
	driversMu.Lock()
	defer driversMu.Unlock()
	if open == nil {
		panic("store: Register open is nil")
	}
	scheme = strings.ToLower(scheme)
	if _, dup := drivers[scheme]; dup {
		panic("store: Register called twice for scheme " + scheme)
	}
	drivers[scheme] = open
}

// Schemes returns the registered DSN schemes, sorted.
func Schemes() []string {
	driversMu.RLock()
	defer driversMu.RUnlock()
	s := make([]string, 0, len(drivers))
	for k := range drivers {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// Open opens the store the DSN names: "sqlite:ilm.db", "sqlite:/abs/path.db",
// "sqlite::memory:", "postgres://user@host/db" or "postgresql://…", provided the package
// implementing the scheme is imported.
func Open(ctx context.Context, dsn string) (Store, error) {
	scheme, _, ok := strings.Cut(dsn, ":")
	scheme = strings.ToLower(scheme)
	driversMu.RLock()
	open, found := drivers[scheme]
	driversMu.RUnlock()
	if !ok || !found {
		known := strings.Join(Schemes(), ", ")
		if known == "" {
			known = "none: import store/sqlite or store/postgres"
		}
		if !ok {
			return nil, fmt.Errorf("store: dsn %q has no scheme (registered: %s)", RedactDSN(dsn), known)
		}
		return nil, fmt.Errorf("store: unknown scheme %q in dsn %q (registered: %s)", scheme, RedactDSN(dsn), known)
	}
	return open(ctx, dsn)
}

var passwordParam = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)`)

// RedactDSN returns the DSN with any password replaced by "xxxxx", for error messages and
// logs: the user:password@ of a URL and password= parameters, in a URL query or in a
// keyword/value connection string.
func RedactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		if _, has := u.User.Password(); has {
			dsn = u.Redacted()
		}
	} else if at := strings.LastIndex(dsn, "@"); at >= 0 {
		// An unparsable URL may still carry user:password@host.
		if start := strings.Index(dsn, "://"); start >= 0 && start < at {
			if colon := strings.Index(dsn[start+3:at], ":"); colon >= 0 {
				dsn = dsn[:start+3+colon+1] + "xxxxx" + dsn[at:]
			}
		}
	}
	return passwordParam.ReplaceAllString(dsn, "${1}xxxxx")
}
