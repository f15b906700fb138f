package config

import (
	"fmt"
	"os"
)

// Warnings lists the settings that are accepted but unsafe, each naming its key: a DC
// certificate that is not verified, a secret file others may read. Every command that opens
// the config prints them, so that they are seen at every start, not once at setup.
func (c *Config) Warnings() []string {
	var ws []string
	secretFile := func(key, path string) {
		if path == "" {
			return
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			ws = append(ws, fmt.Sprintf("%s: %s is readable by group or others (mode %04o); chmod 600 it", key, path, fi.Mode().Perm()))
		}
	}
	for i, in := range c.Instances {
		key := fmt.Sprintf("instances[%d]", i)
		switch {
		case in.Workday != nil:
			secretFile(key+".password_file", in.Workday.PasswordFile)
		case in.ActiveDirectory != nil:
			if in.ActiveDirectory.InsecureSkipVerify {
				ws = append(ws, fmt.Sprintf("%s.insecure_skip_verify: the certificate of %s is not verified; whoever sits between ILM and the DC can read the bind password and every password set; use ca_file",
					key, in.ActiveDirectory.URL))
			}
			secretFile(key+".bind_password_file", in.ActiveDirectory.BindPasswordFile)
		case in.Okta != nil:
			secretFile(key+".token_file", in.Okta.TokenFile)
		case in.SCIM != nil:
			secretFile(key+".token_file", in.SCIM.TokenFile)
		case in.ServiceNow != nil:
			secretFile(key+".password_file", in.ServiceNow.PasswordFile)
			secretFile(key+".token_file", in.ServiceNow.TokenFile)
		}
	}
	secretFile("smtp.password_file", c.SMTP.PasswordFile)
	secretFile("temporal.codec.keys_file", c.Temporal.Codec.KeysFile)
	return ws
}
