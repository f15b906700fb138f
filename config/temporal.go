package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
)

// TemporalTLS is the TLS of every connection ILM makes to the Temporal frontend: a cluster
// of one's own behind TLS or mutual TLS, or Temporal Cloud. Any key set turns TLS on.
type TemporalTLS struct {
	// CAFile is a PEM bundle of the CAs that sign the frontend's certificate; empty means
	// the system's.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are the client certificate and its key (mTLS), read again at
	// every new connection so that a renewed certificate needs no restart.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName is the name the frontend's certificate must carry; empty means the host
	// of temporal.address.
	ServerName string `yaml:"server_name"`
}

// Enabled says whether any TLS key is set.
func (t TemporalTLS) Enabled() bool {
	return t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" || t.ServerName != ""
}

func (t *TemporalTLS) resolvePaths(c *Config) {
	t.CAFile, t.CertFile, t.KeyFile = c.Path(t.CAFile), c.Path(t.CertFile), c.Path(t.KeyFile)
}

func (t Temporal) validate() []error {
	var errs []error
	switch {
	case t.TLS.CertFile != "" && t.TLS.KeyFile == "":
		errs = append(errs, errors.New("temporal.tls: cert_file is set without key_file (the client certificate's private key)"))
	case t.TLS.KeyFile != "" && t.TLS.CertFile == "":
		errs = append(errs, errors.New("temporal.tls: key_file is set without cert_file (the client certificate)"))
	}
	if strings.ContainsAny(t.APIKeyEnv, "= \t") {
		errs = append(errs, fmt.Errorf("temporal.api_key_env: %q is not an environment variable name (name the variable; never put the key here)", t.APIKeyEnv))
	}
	return errs
}

// ClientTLS is the TLS configuration of the Temporal connection, or nil when no TLS key is
// set (an API key then still gets TLS with the system's CAs). It reads the files now, so a
// missing or unreadable one fails at start; errors name the key and the file.
func (t Temporal) ClientTLS() (*tls.Config, error) {
	if !t.TLS.Enabled() {
		return nil, nil
	}
	cfg := &tls.Config{ServerName: t.TLS.ServerName, MinVersion: tls.VersionTLS12}
	if f := t.TLS.CAFile; f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("temporal.tls.ca_file: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("temporal.tls.ca_file: no PEM certificate in %s", f)
		}
	}
	if t.TLS.CertFile != "" {
		load := func() (*tls.Certificate, error) {
			pair, err := tls.LoadX509KeyPair(t.TLS.CertFile, t.TLS.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("temporal.tls.cert_file %s, key_file %s: %w", t.TLS.CertFile, t.TLS.KeyFile, err)
			}
			return &pair, nil
		}
		if _, err := load(); err != nil {
			return nil, err
		}
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return load() }
	}
	return cfg, nil
}

// APIKey is the API key temporal.api_key_env names, or "" when it names none. The error
// names the variable, never a value.
func (t Temporal) APIKey() (string, error) {
	if t.APIKeyEnv == "" {
		return "", nil
	}
	if key := os.Getenv(t.APIKeyEnv); key != "" {
		return key, nil
	}
	return "", fmt.Errorf("temporal.api_key_env: environment variable %s is empty or not set", t.APIKeyEnv)
}

// Describe says how ILM reaches the frontend, for errors: the address and, with TLS, the
// server name, CA and client certificate files. It holds no secret.
func (t Temporal) Describe() string {
	var parts []string
	if t.TLS.Enabled() {
		tlsDesc := "TLS"
		if t.TLS.ServerName != "" {
			tlsDesc += ", server name " + t.TLS.ServerName
		}
		ca := "system CAs"
		if t.TLS.CAFile != "" {
			ca = "CAs of " + t.TLS.CAFile
		}
		tlsDesc += ", " + ca
		if t.TLS.CertFile != "" {
			tlsDesc += ", client certificate " + t.TLS.CertFile
		}
		parts = append(parts, tlsDesc)
	}
	if t.APIKeyEnv != "" {
		if !t.TLS.Enabled() {
			parts = append(parts, "TLS, system CAs")
		}
		parts = append(parts, "API key from $"+t.APIKeyEnv)
	}
	if len(parts) == 0 {
		return t.Address + " (no TLS)"
	}
	return t.Address + " (" + strings.Join(parts, "; ") + ")"
}
