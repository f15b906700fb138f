package connectors

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// HTTPClient returns a client of its own (never http.DefaultClient, which anything in the
// process may change) that verifies servers with the PEM bundle caFile, or with the system
// pool when caFile is empty.
func HTTPClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("ca_file: no PEM certificate in " + caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr}, nil
}

// MaxIdleConnsPerHost is how many idle connections an HTTP client keeps to one host. The
// worker calls a host from many activities at once (App Sync's local activities read Okta
// side by side); over HTTP/1.1, Go's default of 2 closes the others after each burst, and
// every later call then pays a new TLS handshake.
const MaxIdleConnsPerHost = 32
