package activedirectory

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/internal/redact"
)

// AD's own code for a password the domain policy refuses, inside a constraint violation.
const adPasswordPolicyCode = "0000052D"

// classify turns an LDAP or network error into a connectors.CodedError of the right class:
// busy, unavailable, timeouts and connection failures may pass; everything the server
// refused on its merits (constraints, policy, missing objects, access) will not.
// what says what was being done; secrets, in every form the wire carries them (the
// password set is UTF-16LE), are blanked from the message, classified or not.
func classify(what string, err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	secret := redact.New(secrets...)
	msg := secret.String(what + ": " + err.Error())
	class, code := connectors.ErrUnavailable, ""
	var le *ldap.Error
	switch {
	case errors.As(err, &le):
		code = fmt.Sprintf("LDAP %d", le.ResultCode)
		class = classOf(le.ResultCode)
		if le.ResultCode == ldap.ErrorNetwork && certificateFailure(le.Err) {
			class = connectors.ErrInvalid
		}
	case certificateFailure(err):
		class = connectors.ErrInvalid
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), transient(err):
	default:
		class = nil
	}
	if class == nil {
		return secret.Error(fmt.Errorf("%s: %w", what, err))
	}
	return &connectors.CodedError{Class: class, Code: code, Message: msg}
}

// classOf maps an LDAP result code to an error class.
func classOf(code uint16) error {
	switch code {
	case ldap.LDAPResultBusy, ldap.LDAPResultUnavailable, ldap.LDAPResultTimeLimitExceeded,
		ldap.LDAPResultAdminLimitExceeded, ldap.LDAPResultOther, ldap.LDAPResultServerDown,
		ldap.LDAPResultTimeout, ldap.LDAPResultConnectError, ldap.ErrorNetwork:
		return connectors.ErrUnavailable
	case ldap.LDAPResultNoSuchObject:
		return connectors.ErrNotFound
	case ldap.LDAPResultEntryAlreadyExists:
		return connectors.ErrAlreadyExists
	default:
		return connectors.ErrInvalid
	}
}

// certificateFailure says whether the DC's certificate was refused: trying again will not
// make it trusted.
func certificateFailure(err error) bool {
	var verify *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}

// transient says whether a transport error may go away: refused or reset connections,
// timeouts, a connection closed under us.
func transient(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}

// policyError reports a password the domain refused, without the password.
func policyError(err error) error {
	if ldap.IsErrorWithCode(err, ldap.LDAPResultConstraintViolation) || strings.Contains(strings.ToUpper(err.Error()), adPasswordPolicyCode) {
		return &connectors.CodedError{Class: connectors.ErrInvalid, Code: "LDAP 19",
			Message: "set password: the password does not meet the domain password policy (complexity, length or history)"}
	}
	return nil
}
