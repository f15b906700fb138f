package workday

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The integration user's password opens every report the user may read, so it goes to
// one place only: the scheme, host and port of the configured report URL, over https, or
// over plain http to a loopback host (a local stand-in). A redirect to anywhere else is
// followed without it.

// IsFile says whether src names a report file (file:path or a bare path) rather than a URL.
func IsFile(src string) bool {
	lower := strings.ToLower(src)
	return strings.HasPrefix(lower, "file:") || !strings.Contains(lower, "://")
}

// basicAuth adds the credentials to the requests for origin, and to no other.
type basicAuth struct {
	origin     string
	user, pass string
	next       http.RoundTripper
}

func (t *basicAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if origin(req.URL) != t.origin {
		return t.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.SetBasicAuth(t.user, t.pass)
	return t.next.RoundTrip(req)
}

// origin is scheme://host:port of u, with the scheme's default port made explicit.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// safeScheme says whether credentials may travel to u: over https, or plain http to a
// loopback host.
func safeScheme(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return true
	case "http":
		host := u.Hostname()
		ip := net.ParseIP(host)
		return strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback())
	}
	return false
}
