package config

import (
	"fmt"
)

// ServiceNow is a ServiceNow instance whose sys_user table ILM provisions through the Table
// API, with Basic auth (username and password) or an OAuth bearer token.
type ServiceNow struct {
	// URL is the instance, https://<instance>.service-now.com; http:// only for loopback.
	URL          string `yaml:"url"`
	UsernameEnv  string `yaml:"username_env"`
	UsernameFile string `yaml:"username_file"`
	PasswordEnv  string `yaml:"password_env"`
	PasswordFile string `yaml:"password_file"`
	TokenEnv     string `yaml:"token_env"`
	TokenFile    string `yaml:"token_file"`
	CAFile       string `yaml:"ca_file"`
	// MatchField is the sys_user field accounts are found by: email or user_name.
	MatchField     string `yaml:"match_field"`
	Mapper         string `yaml:"mapper"`
	TargetSettings `yaml:",inline"`
}

func (s *ServiceNow) applyDefaults() {
	if s.MatchField == "" {
		s.MatchField = "email"
	}
	if s.Mapper == "" {
		s.Mapper = "mappers/servicenow-outgoing.yaml"
	}
}

func (s *ServiceNow) validate(key string) []error {
	var errs []error
	if err := checkBaseURL(s.URL); err != nil {
		errs = append(errs, fmt.Errorf("%s.url: %w", key, err))
	}
	basic := s.UsernameEnv != "" || s.UsernameFile != "" || s.PasswordEnv != "" || s.PasswordFile != ""
	bearer := s.TokenEnv != "" || s.TokenFile != ""
	switch {
	case basic && bearer:
		errs = append(errs, fmt.Errorf("%s: set username and password (Basic) or token (OAuth), not both", key))
	case bearer:
		errs = append(errs, oneSecret(key, "token_env", s.TokenEnv, "token_file", s.TokenFile)...)
	default:
		errs = append(errs, oneSecret(key, "username_env", s.UsernameEnv, "username_file", s.UsernameFile)...)
		errs = append(errs, oneSecret(key, "password_env", s.PasswordEnv, "password_file", s.PasswordFile)...)
	}
	switch s.MatchField {
	case "email", "user_name":
	default:
		errs = append(errs, fmt.Errorf("%s.match_field: %q is not one of email, user_name", key, s.MatchField))
	}
	return errs
}

// Credentials resolves the Basic auth username and password, or the bearer token (then
// username and password are empty).
func (s *ServiceNow) Credentials() (username, password, token string, err error) {
	if s.TokenEnv != "" || s.TokenFile != "" {
		token, err = Secret("token", s.TokenEnv, s.TokenFile)
		return "", "", token, err
	}
	if username, err = Secret("username", s.UsernameEnv, s.UsernameFile); err != nil {
		return "", "", "", err
	}
	password, err = Secret("password", s.PasswordEnv, s.PasswordFile)
	return username, password, "", err
}
