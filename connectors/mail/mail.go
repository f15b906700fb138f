// Package mail sends ILM's notification mails over SMTP: the temporary password to the
// service desk, provisioning failures to IT and the optional welcome mail to a manager.
// Mails are rendered from templates the operator may replace (templates.go); sending is one
// SMTP session per message, bounded by a timeout, with errors in connectors' classes.
//
// A mail may carry a secret (the temporary password). No error of this package contains the
// SMTP password or a message's secrets, and a Message prints without its body, so neither
// reaches a log or workflow history by accident.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/ilm-dev/ilm/connectors"
)

// TLS modes; the same words as the config's smtp.tls.
const (
	TLSNone     = "none"     // plain SMTP; only for a relay on loopback or a test server
	TLSStartTLS = "starttls" // STARTTLS, required: a server without it is an error
	TLS         = "tls"      // implicit TLS from the first byte (port 465)
)

// DefaultTimeout bounds one send when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config says which server to use and as whom.
type Config struct {
	Host string
	Port int
	// From is the sender, "ILM <ilm@example.com>" or a bare address.
	From string
	// Username and Password for SMTP AUTH; empty means no AUTH.
	Username, Password string
	TLS                string
	// Timeout bounds one Send, connecting included.
	Timeout time.Duration
	// TLSConfig overrides the default (system roots, TLS 1.2+, server name = Host).
	TLSConfig *tls.Config
}

// Message is one plain-text mail. Render it from a template or fill it by hand.
type Message struct {
	To      []string
	Subject string
	Body    string
	// Secrets are strings Send keeps out of its errors (the temporary password);
	// Templates.TemporaryPassword fills it.
	Secrets []string
}

// String describes the message without its body, so that logging one leaks nothing.
func (m Message) String() string {
	return fmt.Sprintf("mail to %s: %q", strings.Join(m.To, ", "), m.Subject)
}

// GoString is String, so %#v leaks nothing either.
func (m Message) GoString() string { return m.String() }

// Mailer sends messages through one SMTP server. It is safe for concurrent use.
type Mailer struct {
	cfg Config
}

// New checks cfg and returns a Mailer; it does not connect.
func New(cfg Config) (*Mailer, error) {
	if cfg.Host == "" {
		return nil, connectors.Invalid("mail: no SMTP host")
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, connectors.Invalid("mail: SMTP port %d is not a TCP port", cfg.Port)
	}
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, connectors.Invalid("mail: sender %q is not a mail address: %v", cfg.From, err)
	}
	switch cfg.TLS {
	case TLSNone, TLSStartTLS, TLS:
	case "":
		cfg.TLS = TLSStartTLS
	default:
		return nil, connectors.Invalid("mail: TLS mode %q is not one of none, starttls, tls", cfg.TLS)
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, connectors.Invalid("mail: SMTP AUTH needs both a username and a password")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Mailer{cfg: cfg}, nil
}

// Send delivers m in one SMTP session. Its errors are connectors.ErrUnavailable (retry:
// the server is unreachable, slow, or answered 4xx) or connectors.ErrInvalid (do not: 5xx,
// authentication, TLS or address problems), and carry no secret.
func (s *Mailer) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return s.fail(m, connectors.ErrInvalid, 0, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		code, class := classify(err)
		if ctx.Err() != nil {
			class = connectors.ErrUnavailable
		}
		return s.fail(m, class, code, err)
	}
	return nil
}

func (s *Mailer) build(m Message) (*gomail.Msg, error) {
	if len(m.To) == 0 {
		return nil, connectors.Invalid("mail %q: no recipient", m.Subject)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, connectors.Invalid("mail %q: the subject has a line break", m.Subject)
	}
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, connectors.Invalid("mail: sender %q: %v", s.cfg.From, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, connectors.Invalid("mail to %s: %v", strings.Join(m.To, ", "), err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return msg, nil
}

func (s *Mailer) options() []gomail.Option {
	tlsConfig := s.cfg.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(tlsConfig),
	}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		// The first of these the server offers is used. PLAIN and LOGIN refuse to send the
		// password without TLS except to localhost (and the config refuses tls: none with a
		// password elsewhere).
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS,
			gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1,
			gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// fail builds Send's error: the class, the SMTP code, the recipients and the cause's text
// with every secret replaced. The cause is not wrapped, so nothing below can leak through
// errors.Unwrap or %+v either. Once the message was sent (DATA), the server's own words are
// left out: a server may quote the message back, and there the password can be wrapped or
// encoded (quoted-printable) beyond what replacing strings can find.
func (s *Mailer) fail(m Message, class error, code int, cause error) error {
	text := cause.Error()
	var se *gomail.SendError
	if errors.As(cause, &se) && afterData(se.Reason) {
		text = strings.TrimSpace(fmt.Sprintf("%s: smtp %d %s", se.Reason, se.ErrorCode(), se.EnhancedStatusCode())) +
			" (the server's text is left out: it may quote the message)"
	}
	e := &connectors.CodedError{
		Class:   class,
		Message: fmt.Sprintf("mail %q to %s via %s:%d: %v: %s", m.Subject, strings.Join(m.To, ", "), s.cfg.Host, s.cfg.Port, class, text),
	}
	if code != 0 {
		e.Code = fmt.Sprintf("smtp %d", code)
	}
	e.Message = redact(e.Message, s.secrets(m)...)
	return e
}

func afterData(r gomail.SendErrReason) bool {
	return r == gomail.ErrSMTPData || r == gomail.ErrWriteContent || r == gomail.ErrSMTPDataClose ||
		r == gomail.ErrSMTPReset || r == gomail.ErrAmbiguous
}

func (s *Mailer) secrets(m Message) []string {
	out := append([]string(nil), m.Secrets...)
	if s.cfg.Password != "" {
		// The AUTH PLAIN response too: redact also hides its base64 form.
		out = append(out, s.cfg.Password, "\x00"+s.cfg.Username+"\x00"+s.cfg.Password)
	}
	return out
}
