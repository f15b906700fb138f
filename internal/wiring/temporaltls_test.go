package wiring

import (
	"bytes"
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/internal/testing/testpki"
)

// fakeFrontend is a Temporal frontend behind TLS that answers GetSystemInfo (what Dial calls)
// and records, per call, the authorization metadata and the client certificate's name.
type fakeFrontend struct {
	workflowservice.UnimplementedWorkflowServiceServer
	addr   string
	reject bool // answer Unauthenticated, as Temporal Cloud does to a wrong key

	mu          sync.Mutex
	authHeaders []string
	clientNames []string
}

func (f *fakeFrontend) GetSystemInfo(ctx context.Context, _ *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	f.authHeaders = append(f.authHeaders, md.Get("authorization")...)
	if p, ok := peer.FromContext(ctx); ok {
		if info, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(info.State.PeerCertificates) > 0 {
			f.clientNames = append(f.clientNames, info.State.PeerCertificates[0].Subject.CommonName)
		}
	}
	f.mu.Unlock()
	if f.reject {
		return nil, status.Error(codes.Unauthenticated, "invalid API key")
	}
	return &workflowservice.GetSystemInfoResponse{}, nil
}

func (f *fakeFrontend) seen() (auth, clients []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.authHeaders...), append([]string(nil), f.clientNames...)
}

// startFakeFrontend serves a fakeFrontend with a certificate of ca for "frontend.test",
// asking for (not requiring) a client certificate of ca.
func startFakeFrontend(t *testing.T, ca *testpki.CA, reject bool) *fakeFrontend {
	t.Helper()
	srvTLS := &tls.Config{Certificates: []tls.Certificate{ca.Server("frontend.test")}, ClientCAs: ca.Pool(),
		ClientAuth: tls.VerifyClientCertIfGiven, MinVersion: tls.VersionTLS12}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &fakeFrontend{addr: ln.Addr().String(), reject: reject}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(srvTLS)))
	workflowservice.RegisterWorkflowServiceServer(srv, f)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return f
}

// dialEnv dials the config's Temporal through Env.DialWith, as the worker and every CLI
// command do, and returns what the client logged.
func dialEnv(t *testing.T, tmp config.Temporal) (logs string, err error) {
	t.Helper()
	var buf bytes.Buffer
	tmp.Namespace = "default"
	env := &Env{Config: &config.Config{Temporal: tmp}}
	// Every level: a key must not show even in debug lines.
	c, err := env.DialWith(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.Level(-8)})), nil)
	if err == nil {
		c.Close()
	}
	return buf.String(), err
}

// The API key goes as `authorization: Bearer KEY` on the calls, over TLS with the client
// certificate alongside; it shows in no log line and no error, even when the server refuses.
func TestDialSendsAPIKeyAsBearerToken(t *testing.T) {
	const key = "tcld-api-key-6d1f0c9e-not-for-logs"
	dir := t.TempDir()
	ca := testpki.NewCA(t, "frontend")
	caFile := ca.WriteCA(dir)
	certFile, keyFile := testpki.WritePair(t, dir, "worker", ca.Client("ilm-worker"))
	t.Setenv("ILM_TEST_TEMPORAL_API_KEY", key)

	f := startFakeFrontend(t, ca, false)
	tmp := config.Temporal{Address: f.addr, APIKeyEnv: "ILM_TEST_TEMPORAL_API_KEY",
		TLS: config.TemporalTLS{CAFile: caFile, CertFile: certFile, KeyFile: keyFile, ServerName: "frontend.test"}}
	logs, err := dialEnv(t, tmp)
	require.NoError(t, err)
	auth, clients := f.seen()
	require.NotEmpty(t, auth)
	for _, h := range auth {
		assert.Equal(t, "Bearer "+key, h)
	}
	assert.Contains(t, clients, "ilm-worker", "the client certificate is presented")
	assert.NotContains(t, logs, key)

	refusing := startFakeFrontend(t, ca, true)
	tmp.Address = refusing.addr
	logs, err = dialEnv(t, tmp)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid API key")
	assert.Contains(t, err.Error(), "API key from $ILM_TEST_TEMPORAL_API_KEY", "the error says how ILM connected")
	assert.NotContains(t, err.Error(), key)
	assert.NotContains(t, logs, key)
	auth, _ = refusing.seen()
	assert.Contains(t, auth, "Bearer "+key, "the refusing server did get the key")
}

// Without an API key no authorization header is sent; a variable named but empty fails
// before dialing, naming the variable.
func TestDialWithoutAPIKey(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.NewCA(t, "frontend")
	f := startFakeFrontend(t, ca, false)
	tmp := config.Temporal{Address: f.addr, TLS: config.TemporalTLS{CAFile: ca.WriteCA(dir), ServerName: "frontend.test"}}
	_, err := dialEnv(t, tmp)
	require.NoError(t, err)
	auth, clients := f.seen()
	assert.Empty(t, auth)
	assert.Empty(t, clients, "no client certificate configured, none sent")

	t.Setenv("ILM_TEST_TEMPORAL_API_KEY", "")
	tmp.APIKeyEnv = "ILM_TEST_TEMPORAL_API_KEY"
	_, err = dialEnv(t, tmp)
	assert.EqualError(t, err, "temporal.api_key_env: environment variable ILM_TEST_TEMPORAL_API_KEY is empty or not set")
}

// An API key alone turns TLS on: it never goes to the frontend in clear.
func TestAPIKeyAloneMeansTLS(t *testing.T) {
	t.Setenv("ILM_TEST_TEMPORAL_API_KEY", "tcld-api-key-6d1f0c9e-not-for-logs")
	var opts client.Options
	require.NoError(t, secure(&opts, config.Temporal{Address: "eu-west-1.aws.api.temporal.io:7233", APIKeyEnv: "ILM_TEST_TEMPORAL_API_KEY"}))
	require.NotNil(t, opts.ConnectionOptions.TLS)
	assert.Nil(t, opts.ConnectionOptions.TLS.RootCAs, "the system's CAs")
	assert.NotNil(t, opts.Credentials)

	var plain client.Options
	require.NoError(t, secure(&plain, config.Temporal{Address: "temporal:7233"}))
	assert.Nil(t, plain.ConnectionOptions.TLS)
	assert.Nil(t, plain.Credentials)
}
