package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/textproto"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/ilm-dev/ilm/connectors"
)

// classify sorts a go-mail error into connectors' classes and finds the SMTP reply code,
// if the server sent one. 4xx replies, refused or dropped connections and timeouts are
// worth retrying; 5xx replies and problems of configuration (TLS trust, AUTH mechanisms,
// addresses) are final, since a retry would meet them again.
func classify(err error) (code int, class error) {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code, replyClass(tp.Code)
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		// SendError keeps the server's reply in a list errors.As cannot see into.
		if c := se.ErrorCode(); c != 0 {
			return c, replyClass(c)
		}
		if se.IsTemp() {
			return 0, connectors.ErrUnavailable
		}
		if se.Reason == gomail.ErrGetSender || se.Reason == gomail.ErrGetRcpts || se.Reason == gomail.ErrNoUnencoded {
			return 0, connectors.ErrInvalid
		}
		return 0, connectors.ErrUnavailable
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return 0, connectors.ErrUnavailable
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostname):
		return 0, connectors.ErrInvalid
	case isAuthConfigError(err):
		return 0, connectors.ErrInvalid
	}
	// Refused, reset, unreachable, timed out, or unknown: connectors.Retryable would retry
	// an unclassified error anyway; say so.
	return 0, connectors.ErrUnavailable
}

func replyClass(code int) error {
	if code >= 500 && code < 600 {
		return connectors.ErrInvalid
	}
	return connectors.ErrUnavailable
}

// isAuthConfigError recognises go-mail's errors for a server that cannot do what the config
// asks: no AUTH or no suitable mechanism, no STARTTLS, PLAIN/LOGIN refused without TLS.
func isAuthConfigError(err error) bool {
	for _, e := range []error{
		gomail.ErrNoSupportedAuthDiscovered, gomail.ErrPlainAuthNotSupported, gomail.ErrLoginAuthNotSupported,
		gomail.ErrCramMD5AuthNotSupported, gomail.ErrSCRAMSHA1AuthNotSupported, gomail.ErrSCRAMSHA256AuthNotSupported,
		gomail.ErrSCRAMSHA1PLUSAuthNotSupported, gomail.ErrSCRAMSHA256PLUSAuthNotSupported,
		gomail.ErrNTLMAuthNotSupported, gomail.ErrXOauth2AuthNotSupported,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	text := err.Error()
	return strings.Contains(text, "does not support SMTP AUTH") ||
		strings.Contains(text, "does not support STARTTLS") ||
		strings.Contains(text, "unencrypted connection")
}

// redact replaces every secret in s, and the base64 forms SMTP AUTH PLAIN/LOGIN put on the
// wire, which a server could echo back in its reply.
func redact(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))} {
			s = strings.ReplaceAll(s, form, "[redacted]")
		}
	}
	return s
}
