//go:build integration

package integration

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	standin "github.com/ilm-dev/ilm/internal/testing/standin/workday"
	"github.com/ilm-dev/ilm/internal/testing/testpki"
)

// tlsProxy terminates TLS on a loopback port and passes the bytes on, in clear, to a
// Temporal frontend (the dev server has no TLS of its own). With clientCAs it requires a
// client certificate they sign, as an mTLS frontend does.
type tlsProxy struct {
	Addr string

	mu      sync.Mutex
	clients []string // the client certificate's common name of each connection passed on
	refused []string // the handshake error of each connection refused
}

func startTLSProxy(t *testing.T, backend string, cert tls.Certificate, clientCAs *x509.CertPool) *tlsProxy {
	t.Helper()
	// gRPC clients insist on the h2 protocol being negotiated.
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2"}}
	if clientCAs != nil {
		cfg.ClientCAs, cfg.ClientAuth = clientCAs, tls.RequireAndVerifyClientCert
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	require.NoError(t, err)
	p := &tlsProxy{Addr: ln.Addr().String()}
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				p.pass(c.(*tls.Conn), backend)
			}()
		}
	}()
	return p
}

func (p *tlsProxy) pass(c *tls.Conn, backend string) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if err := c.Handshake(); err != nil {
		p.mu.Lock()
		p.refused = append(p.refused, err.Error())
		p.mu.Unlock()
		return
	}
	_ = c.SetDeadline(time.Time{})
	name := ""
	if certs := c.ConnectionState().PeerCertificates; len(certs) > 0 {
		name = certs[0].Subject.CommonName
	}
	p.mu.Lock()
	p.clients = append(p.clients, name)
	p.mu.Unlock()
	b, err := net.Dial("tcp", backend)
	if err != nil {
		return
	}
	defer b.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(b, c); _ = b.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, b); _ = c.CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
}

func (p *tlsProxy) seen() (clients, refused []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.clients...), append([]string(nil), p.refused...)
}

// goBuild builds the package pkg (relative to integration/) into dir/name.
func goBuild(t *testing.T, dir, name, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	build := exec.Command("go", "build", "-o", bin, pkg)
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	return bin
}

// The worker and the CLI reach a Temporal frontend that speaks only mutual TLS through
// temporal.tls: `ilm poll` runs a poll on `ilm-worker`, both connected through a TLS proxy in
// front of the dev server that requires a client certificate, and the worker's /healthz finds
// it polling through the same connection. A CA that did not sign the frontend's certificate,
// or no client certificate, fails the command, saying so.
func TestWorkerAndCLIOverMutualTLS(t *testing.T) {
	backend := os.Getenv("ILM_TEST_TEMPORAL_ADDRESS")
	if backend == "" {
		t.Skip("ILM_TEST_TEMPORAL_ADDRESS not set: run `make test-integration`, which starts a Temporal dev server")
	}
	dir := t.TempDir()
	ilm := goBuild(t, dir, "ilm", "../starter")
	ilmWorker := workerBinary(t, dir)

	ca := testpki.NewCA(t, "temporal-it")
	caFile := ca.WriteCA(dir)
	certFile, keyFile := testpki.WritePair(t, dir, "ilm-client", ca.Client("ilm-client"))
	wrongCAFile := testpki.NewCA(t, "someone-else").WriteCA(dir)
	proxy := startTLSProxy(t, backend, ca.Server("temporal.it.test"), ca.Pool())

	// One person hired in 60 days, synced 10 days before: the poll reads one row and starts
	// nothing, so it needs no target.
	wd := standin.New(standin.Config{Username: isuUser, Password: isuPassword})
	srv := standin.Start(t, wd)
	prefix := fmt.Sprintf("tls%d", time.Now().UnixNano()%1e9)
	require.NoError(t, wd.SetReport([]map[string]any{{
		"Emp_ID": prefix + "1", "Email_Address": prefix + "@example.com", "Preferred_Name": "Tess Tls",
		"Preferred_Name_-_First_Name": "Tess", "Preferred_Name_-_Last_Name": "Tls", "Department": "Sales",
		"Employment_Status": "Active", "Last_Hire_Date": time.Now().UTC().AddDate(0, 0, 60).Format("2006-01-02"),
		"Prehire_Flag": "False", "Rehired_Employee": "No", "Has_Sabbatical": "0",
	}}))
	writeConfig := func(name, tlsBlock string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf(`
store: sqlite:ilm.db
temporal:
  address: %q
  task_queue: ilm-tls-%s
  tls: %s
instances:
  - {name: workday, type: workday, report_url: %q, username_env: IT_WD_USER, password_env: IT_WD_PASSWORD,
     days_before_hire_to_sync: 10}
`, proxy.Addr, prefix, tlsBlock, wd.URL(srv.URL))), 0o600))
		return path
	}
	run := func(cfg string, args ...string) (stdout, stderr string, err error) {
		cmd := exec.Command(ilm, append(args, "--config", cfg)...)
		cmd.Env = append(os.Environ(), "IT_WD_USER="+isuUser, "IT_WD_PASSWORD="+isuPassword, "ILM_TEMPORAL_ADDRESS=")
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err = cmd.Run()
		return out.String(), errOut.String(), err
	}

	good := writeConfig("ilm.yaml", fmt.Sprintf("{ca_file: %q, cert_file: %q, key_file: %q, server_name: temporal.it.test}", caFile, certFile, keyFile))
	healthAddr := freeAddr(t)
	worker := exec.Command(ilmWorker, "--config", good, "--metrics-listen", healthAddr)
	worker.Env = append(os.Environ(), "IT_WD_USER="+isuUser, "IT_WD_PASSWORD="+isuPassword, "ILM_TEMPORAL_ADDRESS=")
	// The worker writes its log to a file the test reads when it fails (a strings.Builder
	// would be written by exec's copying goroutine while the test reads it).
	logPath := filepath.Join(t.TempDir(), "worker.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	defer logFile.Close()
	worker.Stderr = logFile
	workerLog := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	require.NoError(t, worker.Start())
	t.Cleanup(func() { _ = worker.Process.Kill(); _ = worker.Wait() })

	stdout, stderr, err := run(good, "poll", "--instance", "workday")
	require.NoError(t, err, "ilm poll: %s\nworker: %s", stderr, workerLog())
	assert.Contains(t, stdout, "poll of workday: 1 rows")
	// The worker's /healthz asks Temporal, through the proxy, whether the worker polls.
	resp, err := http.Get("http://" + healthAddr + "/healthz")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "worker health: %s", body)
	clients, _ := proxy.seen()
	assert.GreaterOrEqual(t, len(clients), 2, "the worker's and the CLI's connections went through the proxy")
	for _, c := range clients {
		assert.Equal(t, "ilm-client", c)
	}

	t.Run("a CA that did not sign the frontend's certificate", func(t *testing.T) {
		cfg := writeConfig("wrong-ca.yaml", fmt.Sprintf("{ca_file: %q, cert_file: %q, key_file: %q, server_name: temporal.it.test}", wrongCAFile, certFile, keyFile))
		_, stderr, err := run(cfg, "poll", "--instance", "workday")
		require.Error(t, err)
		assert.Contains(t, stderr, "certificate signed by unknown authority")
		assert.Contains(t, stderr, "temporal "+proxy.Addr+" (TLS, server name temporal.it.test, CAs of "+wrongCAFile)
	})
	t.Run("no client certificate", func(t *testing.T) {
		before, _ := proxy.seen()
		cfg := writeConfig("no-cert.yaml", fmt.Sprintf("{ca_file: %q, server_name: temporal.it.test}", caFile))
		_, stderr, err := run(cfg, "poll", "--instance", "workday")
		require.Error(t, err)
		assert.Contains(t, stderr, "certificate required: the frontend asks for a client certificate (temporal.tls.cert_file, key_file)")
		after, refused := proxy.seen()
		assert.Equal(t, len(before), len(after), "no connection was passed on")
		assert.Contains(t, strings.Join(refused, "\n"), "client didn't provide a certificate")
	})
	t.Run("no TLS at all", func(t *testing.T) {
		_, stderr, err := run(writeConfig("plain.yaml", "{}"), "poll", "--instance", "workday")
		require.Error(t, err)
		assert.Contains(t, stderr, "temporal "+proxy.Addr+" (no TLS)")
	})
}
