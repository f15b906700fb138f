// Package mailpittest reads the mail that tests sent to the mailpit that scripts/mailpit.sh
// runs (ILM_TEST_SMTP_ADDR, ILM_TEST_MAILPIT_API), through mailpit's HTTP API.
package mailpittest

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Server is the test mailpit: where to send (SMTP) and where to read (API).
type Server struct {
	Host string
	Port int
	API  string
}

// Address is a mail address as mailpit reports it.
type Address struct{ Name, Address string }

// Message is one stored mail, read in full.
type Message struct {
	ID      string
	From    Address
	To      []Address
	Subject string
	Text    string
}

// New returns the test mailpit, or skips the test when none is configured.
func New(t *testing.T) *Server {
	t.Helper()
	addr, api := os.Getenv("ILM_TEST_SMTP_ADDR"), os.Getenv("ILM_TEST_MAILPIT_API")
	if addr == "" || api == "" {
		t.Skip("ILM_TEST_SMTP_ADDR / ILM_TEST_MAILPIT_API are not set: run scripts/mailpit.sh start && eval \"$(scripts/mailpit.sh env)\" (scripts/test.sh does it)")
	}
	host, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	return &Server{Host: host, Port: p, API: strings.TrimSuffix(api, "/")}
}

func (s *Server) get(t *testing.T, path string, out any) {
	t.Helper()
	resp, err := http.Get(s.API + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, path)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
}

// To returns the mails sent to the address so far, newest first, read in full; it waits up
// to a few seconds for at least want of them.
func (s *Server) To(t *testing.T, address string, want int) []Message {
	t.Helper()
	return s.wait(t, want, func(m summary) bool {
		for _, to := range m.To {
			if strings.EqualFold(to.Address, address) {
				return true
			}
		}
		return false
	})
}

// Find returns the one stored mail whose subject contains token, read in full; it waits up
// to a few seconds for it, and fails the test unless exactly one such mail is stored.
func (s *Server) Find(t *testing.T, token string) Message {
	t.Helper()
	found := s.wait(t, 1, func(m summary) bool { return strings.Contains(m.Subject, token) })
	require.Len(t, found, 1, "mails with %q in the subject", token)
	return found[0]
}

// summary is a mail as mailpit lists it.
type summary struct {
	ID      string
	Subject string
	To      []Address
}

// wait lists the stored mails until at least want of them match (or a few seconds pass),
// and returns those that match, newest first, read in full.
func (s *Server) wait(t *testing.T, want int, match func(summary) bool) []Message {
	t.Helper()
	var ids []string
	for try := 0; try < 50; try++ {
		var list struct{ Messages []summary }
		s.get(t, "/api/v1/messages?limit=500", &list)
		ids = ids[:0]
		for _, m := range list.Messages {
			if match(m) {
				ids = append(ids, m.ID)
			}
		}
		if len(ids) >= want {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	out := make([]Message, len(ids))
	for i, id := range ids {
		s.get(t, "/api/v1/message/"+id, &out[i])
	}
	return out
}
