package config

import (
	"errors"
	"fmt"
	"net/mail"
	"time"
)

// SMTP says how ILM sends mail: the temporary password to the service desk, failures to IT,
// the optional welcome mail (SPEC §1). Without a host no mail is sent.
type SMTP struct {
	Host string `yaml:"host"`
	// Port defaults by TLS mode: 25 (none), 587 (starttls), 465 (tls).
	Port int `yaml:"port"`
	// From is the sender address, e.g. "ILM <ilm@example.com>".
	From         string `yaml:"from"`
	UsernameEnv  string `yaml:"username_env"`
	UsernameFile string `yaml:"username_file"`
	PasswordEnv  string `yaml:"password_env"`
	PasswordFile string `yaml:"password_file"`
	// TLS is none, starttls (required, not opportunistic) or tls (implicit TLS).
	TLS string `yaml:"tls"`
	// Timeout bounds one send, connecting included.
	Timeout Duration `yaml:"timeout"`
}

// SMTP TLS modes.
const (
	SMTPTLSNone     = "none"
	SMTPTLSStartTLS = "starttls"
	SMTPTLS         = "tls"
)

// Enabled says whether mail is configured at all.

// DefaultSMTPTimeout bounds one mail's SMTP session when smtp.timeout is not set.
const DefaultSMTPTimeout = 30 * time.Second

func (s *SMTP) Enabled() bool { return s.Host != "" }

// Credentials resolves the SMTP user name and password; both empty means no SMTP AUTH.
func (s *SMTP) Credentials() (username, password string, err error) {
	if username, err = Secret("smtp.username", s.UsernameEnv, s.UsernameFile); err != nil {
		return "", "", err
	}
	if password, err = Secret("smtp.password", s.PasswordEnv, s.PasswordFile); err != nil {
		return "", "", err
	}
	return username, password, nil
}

func (s *SMTP) applyDefaults() {
	if !s.Enabled() {
		return
	}
	if s.TLS == "" {
		s.TLS = SMTPTLSStartTLS
	}
	if s.Port == 0 {
		switch s.TLS {
		case SMTPTLSNone:
			s.Port = 25
		case SMTPTLS:
			s.Port = 465
		default:
			s.Port = 587
		}
	}
	if s.Timeout.Duration == 0 {
		s.Timeout.Duration = DefaultSMTPTimeout
	}
}

func (s *SMTP) validate() []error {
	empty := SMTP{}
	if !s.Enabled() {
		if *s != empty {
			return []error{errors.New("smtp.host: required when any smtp key is set")}
		}
		return nil
	}
	var errs []error
	if s.Port < 1 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp.port: %d is not a TCP port", s.Port))
	}
	if s.From == "" {
		errs = append(errs, errors.New("smtp.from: required"))
	} else if _, err := mail.ParseAddress(s.From); err != nil {
		errs = append(errs, fmt.Errorf("smtp.from: %q is not a mail address: %v", s.From, err))
	}
	switch s.TLS {
	case SMTPTLSNone, SMTPTLSStartTLS, SMTPTLS:
	default:
		errs = append(errs, fmt.Errorf("smtp.tls: %q is not one of none, starttls, tls", s.TLS))
	}
	if s.UsernameEnv != "" && s.UsernameFile != "" {
		errs = append(errs, errors.New("smtp: set username_env or username_file, not both"))
	}
	if s.PasswordEnv != "" && s.PasswordFile != "" {
		errs = append(errs, errors.New("smtp: set password_env or password_file, not both"))
	}
	hasUser := s.UsernameEnv != "" || s.UsernameFile != ""
	hasPassword := s.PasswordEnv != "" || s.PasswordFile != ""
	if hasUser != hasPassword {
		errs = append(errs, errors.New("smtp: SMTP AUTH needs both a username (username_env or username_file) and a password (password_env or password_file)"))
	}
	if s.TLS == SMTPTLSNone && !isLoopback(s.Host) {
		errs = append(errs, fmt.Errorf("smtp.tls: none would send temporary passwords (and any SMTP password) in clear to %s; use starttls or tls (none is for a relay on localhost)", s.Host))
	}
	if s.Timeout.Duration < time.Second {
		errs = append(errs, errors.New("smtp.timeout: must be at least 1s"))
	}
	return errs
}

func (s *SMTP) resolvePaths(c *Config) {
	s.UsernameFile = c.Path(s.UsernameFile)
	s.PasswordFile = c.Path(s.PasswordFile)
}
