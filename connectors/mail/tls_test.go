package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
)

// selfSigned returns a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fake smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// startImplicitTLS serves fakeSMTP behind TLS from the first byte, as on port 465.
func startImplicitTLS(t *testing.T, cert tls.Certificate) int {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	require.NoError(t, err)
	return serve(t, ln, fakeSMTP{}.serve)
}

func TestImplicitTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	port := startImplicitTLS(t, cert)
	msg := Message{To: []string{"a@example.com"}, Subject: "s", Body: "b"}

	trusted := mailer(t, "127.0.0.1", port, func(c *Config) {
		c.TLS = TLS
		c.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	})
	require.NoError(t, trusted.Send(context.Background(), msg))

	// The system roots do not know the certificate: a configuration problem, not retried.
	untrusted := mailer(t, "127.0.0.1", port, func(c *Config) { c.TLS = TLS })
	err := untrusted.Send(context.Background(), msg)
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.False(t, connectors.Retryable(err))
	assert.Contains(t, err.Error(), "certificate")
}
