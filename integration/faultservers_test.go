//go:build integration && faults

package integration

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/internal/testing/sambatest"
)

// The servers the fault suite stops and starts are its own (a Temporal dev server, a
// mailpit, the worker), except the Samba DC, which scripts/samba-ad.sh runs for everyone.

// freePort returns a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// script runs one of scripts/*.sh with extra environment and returns its output.
func script(env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(filepath.Join("..", "scripts", name), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// devServer is a Temporal dev server of the test's own, on a SQLite file so that its
// history survives a restart on the same port.
type devServer struct {
	t           *testing.T
	cli, db     string
	log         string
	port, http  int
	cmd         *exec.Cmd
	Addr        string
	Restarts    int
	Unavailable time.Duration
}

func startDevServer(t *testing.T) *devServer {
	t.Helper()
	cli, err := script(nil, "temporal.sh", "path")
	require.NoError(t, err, cli)
	if _, err := os.Stat(cli); err != nil {
		t.Skipf("no temporal CLI at %s: run scripts/temporal.sh install", cli)
	}
	dir := t.TempDir()
	s := &devServer{t: t, cli: cli, db: filepath.Join(dir, "temporal.db"), log: filepath.Join(dir, "temporal.log"),
		port: freePort(t), http: freePort(t)}
	s.Addr = "127.0.0.1:" + strconv.Itoa(s.port)
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *devServer) start() {
	s.t.Helper()
	logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(s.t, err)
	defer logf.Close()
	s.cmd = exec.Command(s.cli, "server", "start-dev", "--ip", "127.0.0.1", "--headless",
		"--port", strconv.Itoa(s.port), "--http-port", strconv.Itoa(s.http), "--db-filename", s.db, "--log-level", "error",
		"--search-attribute", "EmployeeID=Keyword", "--search-attribute", "IncidentType=Keyword",
		"--search-attribute", "Instance=Keyword", "--search-attribute", "ReviewState=Keyword",
		"--search-attribute", "Reviewer=Keyword")
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	require.NoError(s.t, s.cmd.Start())
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := client.Dial(client.Options{HostPort: s.Addr})
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			cancel()
			c.Close()
			if err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(s.log)
			s.t.Fatalf("the test's Temporal dev server did not answer on %s within a minute: %v\n%s", s.Addr, err, log)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// stop ends the server as an operator would (SIGTERM), killing it after 15 s.
func (s *devServer) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// restart stops the server and starts it again on the same port and database file.
func (s *devServer) restart() {
	s.t.Helper()
	t0 := time.Now()
	s.stop()
	s.start()
	s.Restarts++
	s.Unavailable += time.Since(t0)
}

// ownMailpit is a mailpit of the test's own (scripts/mailpit.sh on free ports, mail kept
// in a database file), so its SMTP can be stopped without touching the shared one.
type ownMailpit struct {
	t    *testing.T
	env  []string
	Host string
	Port int
	API  string
}

func startMailpit(t *testing.T) *ownMailpit {
	t.Helper()
	smtp, ui := freePort(t), freePort(t)
	m := &ownMailpit{t: t, Host: "127.0.0.1", Port: smtp, API: fmt.Sprintf("http://127.0.0.1:%d", ui),
		env: []string{"ILM_MAILPIT_DIR=" + t.TempDir(), "ILM_MAILPIT_SMTP_PORT=" + strconv.Itoa(smtp),
			"ILM_MAILPIT_UI_PORT=" + strconv.Itoa(ui), "ILM_MAILPIT_DB=mail.db"}}
	m.start()
	t.Cleanup(func() { _, _ = script(m.env, "mailpit.sh", "stop") })
	return m
}

func (m *ownMailpit) start() {
	m.t.Helper()
	out, err := script(m.env, "mailpit.sh", "start")
	require.NoError(m.t, err, "starting the test's mailpit: %s", out)
}

func (m *ownMailpit) stop() {
	m.t.Helper()
	out, err := script(m.env, "mailpit.sh", "stop")
	require.NoError(m.t, err, "stopping the test's mailpit: %s", out)
}

// sambaOutage stops the shared Samba DC (scripts/samba-ad.sh, same ILM_AD_DIR) and starts it
// again. It skips unless that script runs the DC, and a cleanup starts it whatever happens.
type sambaOutage struct {
	t *testing.T
	d *sambatest.Domain
}

func newSambaOutage(t *testing.T, d *sambatest.Domain) *sambaOutage {
	t.Helper()
	if out, err := script(nil, "samba-ad.sh", "status"); err != nil {
		t.Skipf("the Samba DC is not one scripts/samba-ad.sh runs (ILM_AD_DIR=%s): %s", os.Getenv("ILM_AD_DIR"), out)
	}
	o := &sambaOutage{t: t, d: d}
	t.Cleanup(func() {
		if _, err := script(nil, "samba-ad.sh", "status"); err != nil {
			if out, err := script(nil, "samba-ad.sh", "start"); err != nil {
				t.Errorf("restarting the Samba DC after the test: %v: %s", err, out)
				return
			}
			// A fresh admin connection for sambatest's cleanup of the run's OU.
			if conn, err := ldap.DialURL(d.URL, ldap.DialWithTLSConfig(d.TLS)); err == nil {
				if conn.Bind(d.BindDN, d.Password) == nil {
					d.Admin = conn
				}
			}
		}
	})
	return o
}

func (o *sambaOutage) stop() {
	o.t.Helper()
	out, err := script(nil, "samba-ad.sh", "stop")
	require.NoError(o.t, err, "stopping the Samba DC: %s", out)
}

// start starts the DC, checks it answers a bind, and gives the domain a new admin connection
// (the old one died with the server).
func (o *sambaOutage) start() {
	o.t.Helper()
	out, err := script(nil, "samba-ad.sh", "start")
	require.NoError(o.t, err, "starting the Samba DC again: %s", out)
	conn, err := ldap.DialURL(o.d.URL, ldap.DialWithTLSConfig(o.d.TLS))
	require.NoError(o.t, err, "the Samba DC is back but does not accept a connection")
	require.NoError(o.t, conn.Bind(o.d.BindDN, o.d.Password), "the Samba DC is back but refuses the admin bind")
	_ = o.d.Admin.Close()
	o.d.Admin = conn
}

// workerProc is the real ilm-worker binary run as a process.
type workerProc struct {
	t     *testing.T
	bin   string
	args  []string
	env   []string
	log   string
	cmd   *exec.Cmd
	done  chan struct{}
	Kills int
}

func buildWorker(t *testing.T, dir string, env []string, args ...string) *workerProc {
	t.Helper()
	bin := filepath.Join(dir, "ilm-worker")
	build := exec.Command("go", "build", "-o", bin, "../workers")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	w := &workerProc{t: t, bin: bin, args: args, env: env, log: filepath.Join(dir, "worker.log")}
	t.Cleanup(func() {
		if w.running() {
			_ = w.cmd.Process.Kill()
			<-w.done
		}
	})
	return w
}

func (w *workerProc) start() {
	w.t.Helper()
	logf, err := os.OpenFile(w.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(w.t, err)
	defer logf.Close()
	w.cmd = exec.Command(w.bin, w.args...)
	w.cmd.Env = append(os.Environ(), w.env...)
	w.cmd.Stdout, w.cmd.Stderr = logf, logf
	require.NoError(w.t, w.cmd.Start())
	done := make(chan struct{})
	go func(c *exec.Cmd) { _ = c.Wait(); close(done) }(w.cmd)
	w.done = done
}

func (w *workerProc) running() bool {
	if w.done == nil {
		return false
	}
	select {
	case <-w.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL, waits for the process to go, and starts a new one.
func (w *workerProc) killAndRestart() {
	w.t.Helper()
	w.requireRunning()
	require.NoError(w.t, w.cmd.Process.Signal(syscall.SIGKILL))
	<-w.done
	w.Kills++
	w.start()
}

// requireRunning fails the test, with the end of the worker's log, if it exited by itself.
func (w *workerProc) requireRunning() {
	w.t.Helper()
	if !w.running() {
		log, _ := os.ReadFile(w.log)
		if len(log) > 4000 {
			log = log[len(log)-4000:]
		}
		w.t.Fatalf("the worker exited by itself (%v); the end of its log:\n%s", w.cmd.ProcessState, log)
	}
}
