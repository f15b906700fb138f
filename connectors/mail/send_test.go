package mail

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
)

// fakeSMTP is a deliberately indiscreet SMTP server on loopback: it answers each command
// with the reply its test chose, and echoes what it was sent (AUTH credentials, the message
// body) into that reply, as a careless or hostile server might. Send must still keep every
// secret out of its error.
type fakeSMTP struct {
	auth, mail, rcpt, data string // replies; "" means 250
}

func (f fakeSMTP) start(t *testing.T) (host string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return "127.0.0.1", serve(t, ln, f.serve)
}

// serve hands each connection ln accepts to handle, on its own goroutine, until the test
// ends and closes ln; it returns ln's port.
func serve(t *testing.T, ln net.Listener, handle func(net.Conn)) int {
	t.Helper()
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(conn)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func (f fakeSMTP) serve(conn net.Conn) {
	defer conn.Close()
	c := textproto.NewConn(conn)
	reply := func(r, echo string) bool {
		if r == "" {
			r = "250 ok"
		}
		if !strings.HasPrefix(r, "2") && echo != "" {
			r += " (you sent: " + echo + ")"
		}
		_ = c.PrintfLine("%s", r)
		return strings.HasPrefix(r, "2") || strings.HasPrefix(r, "3")
	}
	_ = c.PrintfLine("220 fake ESMTP")
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			_ = c.PrintfLine("250-fake\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN")
		case "AUTH":
			_, b64, _ := strings.Cut(arg, " ")
			raw, _ := base64.StdEncoding.DecodeString(b64)
			reply(f.auth, b64+" = "+string(raw))
		case "MAIL":
			reply(f.mail, "")
		case "RCPT":
			reply(f.rcpt, "")
		case "DATA":
			_ = c.PrintfLine("354 go ahead")
			body, _ := c.ReadDotLines()
			reply(f.data, strings.Join(body, " | "))
		case "QUIT":
			_ = c.PrintfLine("221 bye")
			return
		default:
			_ = c.PrintfLine("250 ok")
		}
	}
}

func mailer(t *testing.T, host string, port int, mod func(*Config)) *Mailer {
	t.Helper()
	cfg := Config{Host: host, Port: port, From: "ILM <ilm@example.com>", TLS: TLSNone, Timeout: 2 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	m, err := New(cfg)
	require.NoError(t, err)
	return m
}

// temporaryPassword has an "=", which quoted-printable turns into "=3D": a server quoting
// the body back would not show the password as it is.
const temporaryPassword = "Qv4#tR8=wZ2m"

func passwordMail(t *testing.T) Message {
	t.Helper()
	m, err := stock(t).RenderTemporaryPassword(TemporaryPassword{Name: "Jane Smith", Username: "jsmith", Password: temporaryPassword, MustChange: true})
	require.NoError(t, err)
	m.To = []string{"service-desk@example.com"}
	return m
}

func TestSMTPRepliesAreClassifiedAndSecretsStayOut(t *testing.T) {
	const smtpPassword = "smtp-S3cret-pw"
	cases := map[string]struct {
		server fakeSMTP
		auth   bool
		class  error
		code   string
	}{
		"4xx on data":    {fakeSMTP{data: "451 4.3.0 try again later"}, false, connectors.ErrUnavailable, "smtp 451"},
		"5xx on data":    {fakeSMTP{data: "554 5.6.0 message content rejected"}, false, connectors.ErrInvalid, "smtp 554"},
		"4xx on rcpt":    {fakeSMTP{rcpt: "452 4.2.2 mailbox full"}, false, connectors.ErrUnavailable, "smtp 452"},
		"5xx on rcpt":    {fakeSMTP{rcpt: "550 5.1.1 no such user"}, false, connectors.ErrInvalid, "smtp 550"},
		"5xx on mail":    {fakeSMTP{mail: "553 5.1.8 sender refused"}, false, connectors.ErrInvalid, "smtp 553"},
		"auth refused":   {fakeSMTP{auth: "535 5.7.8 authentication failed"}, true, connectors.ErrInvalid, "smtp 535"},
		"auth throttled": {fakeSMTP{auth: "454 4.7.0 temporary authentication failure"}, true, connectors.ErrUnavailable, "smtp 454"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			host, port := tc.server.start(t)
			m := mailer(t, host, port, func(c *Config) {
				if tc.auth {
					c.Username, c.Password = "ilm", smtpPassword
				}
			})
			err := m.Send(context.Background(), passwordMail(t))
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.class)
			assert.Equal(t, tc.class == connectors.ErrUnavailable, connectors.Retryable(err))
			var coded *connectors.CodedError
			require.True(t, errors.As(err, &coded))
			assert.Equal(t, tc.code, coded.Code)
			text := err.Error()
			for _, secret := range []string{temporaryPassword, "Qv4#tR8=3DwZ2m", smtpPassword,
				base64.StdEncoding.EncodeToString([]byte(smtpPassword)),
				base64.StdEncoding.EncodeToString([]byte("\x00ilm\x00" + smtpPassword))} {
				assert.NotContains(t, text, secret)
				assert.NotContains(t, fmt.Sprintf("%+v", err), secret)
			}
			assert.Contains(t, text, "service-desk@example.com", "the error says which mail failed")
			t.Log(text)
		})
	}
}

func TestConnectionRefusedIsRetryable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())

	err = mailer(t, "127.0.0.1", port, nil).Send(context.Background(), passwordMail(t))
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrUnavailable)
	assert.Contains(t, err.Error(), "connection refused")
	assert.NotContains(t, err.Error(), temporaryPassword)
}

func TestSilentServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := serve(t, ln, func(conn net.Conn) { _, _ = bufio.NewReader(conn).ReadString(0) }) // never answers
	m := mailer(t, "127.0.0.1", port, func(c *Config) { c.Timeout = 300 * time.Millisecond })
	start := time.Now()
	err = m.Send(context.Background(), passwordMail(t))
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "the timeout bounds the send")
	assert.ErrorIs(t, err, connectors.ErrUnavailable)
	assert.True(t, connectors.Retryable(err))
}

func TestStartTLSRequired(t *testing.T) {
	host, port := fakeSMTP{}.start(t) // offers no STARTTLS
	err := mailer(t, host, port, func(c *Config) { c.TLS = TLSStartTLS }).Send(context.Background(), passwordMail(t))
	require.Error(t, err)
	assert.ErrorIs(t, err, connectors.ErrInvalid, "a server without STARTTLS stays so: do not retry")
	assert.Contains(t, err.Error(), "STARTTLS")
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err   error
		class error
		code  int
	}{
		{fmt.Errorf("dial failed: %w", &textproto.Error{Code: 421, Msg: "service not available"}), connectors.ErrUnavailable, 421},
		{fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 535, Msg: "bad"}), connectors.ErrInvalid, 535},
		{fmt.Errorf("dial failed: %w", context.DeadlineExceeded), connectors.ErrUnavailable, 0},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}, connectors.ErrUnavailable, 0},
		{errors.New("something new"), connectors.ErrUnavailable, 0},
	}
	for _, tc := range cases {
		code, class := classify(tc.err)
		assert.Equal(t, tc.class, class, "%v", tc.err)
		assert.Equal(t, tc.code, code, "%v", tc.err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	base := Config{Host: "localhost", Port: 25, From: "ilm@example.com", TLS: TLSNone}
	for name, mod := range map[string]func(*Config){
		"no host":       func(c *Config) { c.Host = "" },
		"bad port":      func(c *Config) { c.Port = 0 },
		"bad from":      func(c *Config) { c.From = "nobody" },
		"bad tls":       func(c *Config) { c.TLS = "ssl" },
		"password only": func(c *Config) { c.Password = "x" },
	} {
		cfg := base
		mod(&cfg)
		_, err := New(cfg)
		assert.ErrorIs(t, err, connectors.ErrInvalid, name)
	}
	_, err := New(base)
	require.NoError(t, err)
}

func TestSendRefusesAMessageWithoutRecipient(t *testing.T) {
	m := mailer(t, "127.0.0.1", 25, nil)
	err := m.Send(context.Background(), Message{Subject: "s", Body: "b"})
	assert.ErrorIs(t, err, connectors.ErrInvalid)
}
