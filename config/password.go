package config

import (
	"errors"
	"fmt"
)

// PasswordPolicy shapes the temporary passwords set at AD activation: exactly Digits digits
// and Symbols symbols, the rest letters with at least Upper upper-case and Lower lower-case
// ones. An unset count takes its default (3, 2, 1, 1), so 0 can say "none".
type PasswordPolicy struct {
	Length  int  `yaml:"length"`
	Digits  *int `yaml:"digits"`
	Symbols *int `yaml:"symbols"`
	Upper   *int `yaml:"upper"`
	Lower   *int `yaml:"lower"`
}

// Password policy defaults and bounds. 128 is far below AD's limit and far above need.
const (
	DefaultPasswordLength = 16
	MinPasswordLength     = 8
	MaxPasswordLength     = 128
)

func (p *PasswordPolicy) applyDefaults() {
	if p.Length == 0 {
		p.Length = DefaultPasswordLength
	}
	for _, d := range []struct {
		v   **int
		def int
	}{{&p.Digits, 3}, {&p.Symbols, 2}, {&p.Upper, 1}, {&p.Lower, 1}} {
		if *d.v == nil {
			v := d.def
			*d.v = &v
		}
	}
}

// validate makes sure every password the policy allows meets AD's complexity rule: three of
// the four classes (upper, lower, digit, symbol) present.
func (p *PasswordPolicy) validate() []error {
	const key = "provisioning.password"
	var errs []error
	if p.Length < MinPasswordLength || p.Length > MaxPasswordLength {
		errs = append(errs, fmt.Errorf("%s.length: %d is not between %d and %d", key, p.Length, MinPasswordLength, MaxPasswordLength))
	}
	counts := []struct {
		name string
		v    int
	}{{"digits", *p.Digits}, {"symbols", *p.Symbols}, {"upper", *p.Upper}, {"lower", *p.Lower}}
	sum, classes := 0, 0
	for _, c := range counts {
		if c.v < 0 {
			errs = append(errs, fmt.Errorf("%s.%s: must be >= 0", key, c.name))
		}
		if c.v > 0 {
			classes++
		}
		sum += c.v
	}
	if sum > p.Length {
		errs = append(errs, fmt.Errorf("%s: digits + symbols + upper + lower = %d is more than length %d", key, sum, p.Length))
	}
	if classes < 3 {
		errs = append(errs, errors.New(key+": at least three of digits, symbols, upper, lower must be >= 1 (Active Directory complexity: three of four character classes)"))
	}
	return errs
}
