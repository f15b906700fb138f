package activedirectory

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/stretchr/testify/assert"
)

func TestClassify(t *testing.T) {
	ldapErr := func(code uint16, msg string) error { return ldap.NewError(code, errors.New(msg)) }
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "x"}}
	for name, tc := range map[string]struct {
		err       error
		class     error
		retryable bool
	}{
		"busy 51":              {ldapErr(ldap.LDAPResultBusy, "busy"), connectors.ErrUnavailable, true},
		"unavailable 52":       {ldapErr(ldap.LDAPResultUnavailable, "down"), connectors.ErrUnavailable, true},
		"timeout 85":           {ldapErr(ldap.LDAPResultTimeout, "slow"), connectors.ErrUnavailable, true},
		"connection refused":   {ldap.NewError(ldap.ErrorNetwork, fmt.Errorf("dial: %w", syscall.ECONNREFUSED)), connectors.ErrUnavailable, true},
		"net error":            {ldap.NewError(ldap.ErrorNetwork, refused), connectors.ErrUnavailable, true},
		"deadline":             {context.DeadlineExceeded, connectors.ErrUnavailable, true},
		"request timed out":    {ldap.NewError(ldap.ErrorNetwork, errors.New("ldap: connection timed out")), connectors.ErrUnavailable, true},
		"untrusted cert":       {ldap.NewError(ldap.ErrorNetwork, x509.UnknownAuthorityError{}), connectors.ErrInvalid, false},
		"wrong host cert":      {ldap.NewError(ldap.ErrorNetwork, x509.HostnameError{Certificate: &x509.Certificate{}, Host: "dc"}), connectors.ErrInvalid, false},
		"constraint 19":        {ldapErr(ldap.LDAPResultConstraintViolation, "0000052D: Constraint violation"), connectors.ErrInvalid, false},
		"no such object 32":    {ldapErr(ldap.LDAPResultNoSuchObject, "no OU"), connectors.ErrNotFound, false},
		"already exists 68":    {ldapErr(ldap.LDAPResultEntryAlreadyExists, "taken"), connectors.ErrAlreadyExists, false},
		"invalid creds 49":     {ldapErr(ldap.LDAPResultInvalidCredentials, "52e"), connectors.ErrInvalid, false},
		"insufficient rights":  {ldapErr(ldap.LDAPResultInsufficientAccessRights, "no"), connectors.ErrInvalid, false},
		"unwilling to perform": {ldapErr(ldap.LDAPResultUnwillingToPerform, "no"), connectors.ErrInvalid, false},
	} {
		t.Run(name, func(t *testing.T) {
			err := classify("op", tc.err)
			assert.ErrorIs(t, err, tc.class)
			assert.Equal(t, tc.retryable, connectors.Retryable(err))
		})
	}
}

func TestClassifyBlanksSecrets(t *testing.T) {
	err := classify("bind", ldap.NewError(ldap.LDAPResultInvalidCredentials, errors.New("bad password hunter2")), "hunter2")
	assert.NotContains(t, err.Error(), "hunter2")
}

// An error of no known class keeps its chain (errors.Is still finds it) but not the secret,
// in any of its forms.
func TestClassifyBlanksSecretsOfUnclassifiedErrors(t *testing.T) {
	const pw = "Temp-Pa55word!"
	cause := errors.New("proxy said: bad value " + pw + " / " + unicodePwd(pw))
	err := classify("set password of CN=Ann", cause, pw)
	assert.ErrorIs(t, err, cause)
	assert.NotContains(t, err.Error(), pw)
	assert.NotContains(t, err.Error(), unicodePwd(pw)[2:len(unicodePwd(pw))-2])
	assert.Contains(t, err.Error(), "set password of CN=Ann")
}

func TestPolicyErrorSaysSoWithoutThePassword(t *testing.T) {
	err := policyError(ldap.NewError(ldap.LDAPResultConstraintViolation, errors.New("0000052D: Constraint violation - check_password_restrictions")))
	assert.ErrorIs(t, err, connectors.ErrInvalid)
	assert.False(t, connectors.Retryable(err))
	assert.Contains(t, err.Error(), "password policy")
	assert.Nil(t, policyError(ldap.NewError(ldap.LDAPResultBusy, errors.New("busy"))))
}
