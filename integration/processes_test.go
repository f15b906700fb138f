//go:build integration

package integration

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
)

// The processes a test runs of its own: a Temporal dev server, the real ilm-worker binary, and
// the scripts under scripts/.

// freePort returns a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// freeAddr returns a loopback host:port nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	return "127.0.0.1:" + strconv.Itoa(freePort(t))
}

// script runs one of scripts/*.sh with extra environment and returns its output.
func script(env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(filepath.Join("..", "scripts", name), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// startLogged starts cmd with its output appended to the file log, which outlives restarts.
func startLogged(t *testing.T, cmd *exec.Cmd, log string) {
	t.Helper()
	logf, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(t, err)
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	require.NoError(t, cmd.Start())
}

// devServer is a Temporal dev server of the test's own, on a SQLite file so that its
// history survives a restart on the same port.
type devServer struct {
	t           *testing.T
	cli, db     string
	log         string
	port, http  int
	ui          []string // the Web UI's flags; none: --headless
	cmd         *exec.Cmd
	Addr        string
	UIURL       string // the Web UI's address, when it has one
	Restarts    int
	Unavailable time.Duration
}

// startDevServerWithUI starts a dev server with its Web UI on a free port, pointed at
// codecEndpoint when one is given (--ui-codec-endpoint).
func startDevServerWithUI(t *testing.T, codecEndpoint string) *devServer {
	t.Helper()
	return newDevServer(t, true, codecEndpoint)
}

func newDevServer(t *testing.T, withUI bool, codecEndpoint string) *devServer {
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
	s.ui = []string{"--headless"}
	if withUI {
		port := strconv.Itoa(freePort(t))
		s.UIURL = "http://127.0.0.1:" + port
		s.ui = []string{"--ui-ip", "127.0.0.1", "--ui-port", port}
		if codecEndpoint != "" {
			s.ui = append(s.ui, "--ui-codec-endpoint", codecEndpoint)
		}
	}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *devServer) start() {
	s.t.Helper()
	args := append([]string{"server", "start-dev", "--ip", "127.0.0.1",
		"--port", strconv.Itoa(s.port), "--http-port", strconv.Itoa(s.http), "--db-filename", s.db, "--log-level", "error",
		"--search-attribute", "EmployeeID=Keyword", "--search-attribute", "IncidentType=Keyword",
		"--search-attribute", "Instance=Keyword", "--search-attribute", "ReviewState=Keyword",
		"--search-attribute", "Reviewer=Keyword"}, s.ui...)
	s.cmd = exec.Command(s.cli, args...)
	startLogged(s.t, s.cmd, s.log)
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

// workerProc is the real ilm-worker binary run as a process, started again after each kill.
type workerProc struct {
	t     *testing.T
	bin   string
	args  []string
	env   []string
	log   string
	cmd   *exec.Cmd
	done  chan struct{}
	Kills int
	Pids  []int // every process started, in order
}

// buildWorker builds ilm-worker into dir and returns a worker process of it (not started)
// run with the env and args, logging to dir/worker.log.
func buildWorker(t *testing.T, dir string, env []string, args ...string) *workerProc {
	t.Helper()
	return newWorkerProc(t, workerBinary(t, dir), filepath.Join(dir, "worker.log"), env, args)
}

func newWorkerProc(t *testing.T, bin, log string, env, args []string) *workerProc {
	w := &workerProc{t: t, bin: bin, args: args, env: env, log: log}
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
	w.cmd = exec.Command(w.bin, w.args...)
	w.cmd.Env = append(os.Environ(), w.env...)
	startLogged(w.t, w.cmd, w.log)
	w.Pids = append(w.Pids, w.cmd.Process.Pid)
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

// kill sends SIGKILL and waits for the process to go.
func (w *workerProc) kill() {
	w.t.Helper()
	w.requireRunning()
	require.NoError(w.t, w.cmd.Process.Signal(syscall.SIGKILL))
	<-w.done
	w.Kills++
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
