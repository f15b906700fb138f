//go:build integration && faults

package integration

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/internal/testing/sambatest"
)

// The servers the fault suite stops and starts are its own (a Temporal dev server, a
// mailpit, the worker: processes_test.go), except the Samba DC, which scripts/samba-ad.sh
// runs for everyone.

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
			}
			// sambatest's cleanup of the run's OU dials a new connection of its own.
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
	o.d.Reconnect(o.t)
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

// killAndRestart kills the process and starts a new one.
func (w *workerProc) killAndRestart() {
	w.t.Helper()
	w.kill()
	w.start()
}
