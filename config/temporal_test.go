package config

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/internal/testing/testpki"
)

// A client certificate needs its key and the other way round; api_key_env names a variable.
func TestTemporalTLSKeysGoTogether(t *testing.T) {
	_, err := Parse([]byte("temporal: {tls: {cert_file: c.pem}}\n"))
	assert.ErrorContains(t, err, "temporal.tls: cert_file is set without key_file")
	_, err = Parse([]byte("temporal: {tls: {key_file: k.pem}}\n"))
	assert.ErrorContains(t, err, "temporal.tls: key_file is set without cert_file")
	_, err = Parse([]byte("temporal: {api_key_env: KEY=abc}\n"))
	assert.ErrorContains(t, err, `temporal.api_key_env: "KEY=abc" is not an environment variable name`)
	_, err = Parse([]byte("temporal: {tls: {cafile: x}}\n"))
	assert.ErrorContains(t, err, `temporal.tls: unknown key "cafile"`)
}

// No TLS key and no API key: a plain connection, as to a dev server.
func TestTemporalWithoutTLS(t *testing.T) {
	cfg, err := Parse([]byte("temporal: {address: temporal:7233}\n"))
	require.NoError(t, err)
	tc, err := cfg.Temporal.ClientTLS()
	require.NoError(t, err)
	assert.Nil(t, tc)
	key, err := cfg.Temporal.APIKey()
	require.NoError(t, err)
	assert.Empty(t, key)
	assert.Equal(t, "temporal:7233 (no TLS)", cfg.Temporal.Describe())
}

// The TLS files are relative to the config file; ClientTLS trusts the CA file only, sends
// the client certificate, and reads it again at each handshake (a renewed one needs no
// restart).
func TestTemporalClientTLS(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.NewCA(t, "temporal-test")
	ca.WriteCA(dir)
	testpki.WritePair(t, dir, "client", ca.Client("ilm-worker"))
	path := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
temporal:
  address: temporal.internal:7233
  tls: {ca_file: temporal-test-ca.pem, cert_file: client.pem, key_file: client-key.pem, server_name: frontend.temporal.internal}
`), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "client.pem"), cfg.Temporal.TLS.CertFile)

	tc, err := cfg.Temporal.ClientTLS()
	require.NoError(t, err)
	assert.Equal(t, "frontend.temporal.internal", tc.ServerName)
	assert.True(t, tc.RootCAs.Equal(ca.Pool()), "trusts exactly the CA file")
	first, err := tc.GetClientCertificate(&tls.CertificateRequestInfo{})
	require.NoError(t, err)
	assert.Equal(t, "ilm-worker", first.Leaf.Subject.CommonName)

	testpki.WritePair(t, dir, "client", ca.Client("ilm-worker-renewed"))
	renewed, err := tc.GetClientCertificate(&tls.CertificateRequestInfo{})
	require.NoError(t, err)
	assert.Equal(t, "ilm-worker-renewed", renewed.Leaf.Subject.CommonName)

	assert.Equal(t, "temporal.internal:7233 (TLS, server name frontend.temporal.internal, CAs of "+
		filepath.Join(dir, "temporal-test-ca.pem")+", client certificate "+filepath.Join(dir, "client.pem")+")", cfg.Temporal.Describe())
}

// A missing, unreadable or wrong file fails ClientTLS, naming the key and the file.
func TestTemporalClientTLSFileErrors(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.NewCA(t, "temporal-test")
	caFile := ca.WriteCA(dir)
	certFile, keyFile := testpki.WritePair(t, dir, "client", ca.Client("ilm"))
	otherCert, _ := testpki.WritePair(t, dir, "other", ca.Client("other"))
	notPEM := filepath.Join(dir, "not-pem.txt")
	require.NoError(t, os.WriteFile(notPEM, []byte("hello\n"), 0o600))
	unreadable := filepath.Join(dir, "unreadable.pem")
	require.NoError(t, os.WriteFile(unreadable, []byte("x"), 0o000))
	missing := filepath.Join(dir, "missing.pem")

	for name, tc := range map[string]struct {
		tls  TemporalTLS
		want string
	}{
		"missing CA":          {TemporalTLS{CAFile: missing}, "temporal.tls.ca_file: open " + missing + ": no such file or directory"},
		"CA not PEM":          {TemporalTLS{CAFile: notPEM}, "temporal.tls.ca_file: no PEM certificate in " + notPEM},
		"missing cert":        {TemporalTLS{CAFile: caFile, CertFile: missing, KeyFile: keyFile}, "temporal.tls.cert_file " + missing + ", key_file " + keyFile + ": open " + missing},
		"unreadable key":      {TemporalTLS{CertFile: certFile, KeyFile: unreadable}, "temporal.tls.cert_file " + certFile + ", key_file " + unreadable},
		"key of another cert": {TemporalTLS{CertFile: otherCert, KeyFile: keyFile}, "private key does not match public key"},
	} {
		t.Run(name, func(t *testing.T) {
			if name == "unreadable key" && os.Geteuid() == 0 {
				require.NoError(t, os.WriteFile(unreadable, []byte("not a key"), 0o000)) // root reads anyway: make it wrong too
			}
			_, err := Temporal{Address: "t:7233", TLS: tc.tls}.ClientTLS()
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// api_key_env names a variable that must hold the key; errors and Describe name the
// variable, never the key.
func TestTemporalAPIKey(t *testing.T) {
	tmp := Temporal{Address: "ns.acct.tmprl.cloud:7233", APIKeyEnv: "ILM_TEST_TEMPORAL_API_KEY"}
	t.Setenv("ILM_TEST_TEMPORAL_API_KEY", "")
	_, err := tmp.APIKey()
	assert.EqualError(t, err, "temporal.api_key_env: environment variable ILM_TEST_TEMPORAL_API_KEY is empty or not set")

	t.Setenv("ILM_TEST_TEMPORAL_API_KEY", "secret-api-key-1234567890")
	key, err := tmp.APIKey()
	require.NoError(t, err)
	assert.Equal(t, "secret-api-key-1234567890", key)
	assert.Equal(t, "ns.acct.tmprl.cloud:7233 (TLS, system CAs; API key from $ILM_TEST_TEMPORAL_API_KEY)", tmp.Describe())
}
