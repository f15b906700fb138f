package config

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Review says who is asked to decide when an incident fails.
type Review struct {
	Role       string   `yaml:"role"`
	Method     string   `yaml:"method"` // random, round-robin, least-loaded
	OnCallOnly bool     `yaml:"on_call_only"`
	Timeout    Duration `yaml:"timeout"`
	// Roster lists the human reviewers. The worker applies it at start (so does `ilm
	// reviewers set` without a file): it replaces the roster of each role it names, and
	// leaves other roles alone.
	Roster []Reviewer `yaml:"roster"`
}

// Reviewer is one entry of a roster: a person who may be asked to review the failures of
// the role's incidents.
type Reviewer struct {
	Role     string `yaml:"role"`
	Username string `yaml:"username"`
	Email    string `yaml:"email"`
	OnCall   bool   `yaml:"on_call"`
}

func (r *Review) validate() []error {
	const key = "provisioning.review"
	var errs []error
	switch r.Method {
	case "random", "round-robin", "least-loaded":
	default:
		errs = append(errs, fmt.Errorf("%s.method: %q is not one of random, round-robin, least-loaded", key, r.Method))
	}
	if r.Timeout.Duration < 0 {
		errs = append(errs, fmt.Errorf("%s.timeout: %s is negative; a review waits a positive time for a decision", key, r.Timeout.Duration))
	}
	errs = append(errs, ValidateRoster(key+".roster", r.Roster)...)
	if r.Role != "" && len(r.Roster) > 0 && !hasRole(r.Roster, r.Role) {
		errs = append(errs, fmt.Errorf("%s.role: no entry of %s.roster has role %q", key, key, r.Role))
	}
	return errs
}

func hasRole(rs []Reviewer, role string) bool {
	for _, r := range rs {
		if r.Role == role {
			return true
		}
	}
	return false
}

// ValidateRoster checks roster entries, naming each bad one by where and its index: every
// entry has a role and a username, at most once per role, and an email that looks like one.
func ValidateRoster(where string, rs []Reviewer) []error {
	var errs []error
	first := map[[2]string]int{}
	for i, r := range rs {
		at := fmt.Sprintf("%s[%d]", where, i)
		if strings.TrimSpace(r.Role) == "" {
			errs = append(errs, fmt.Errorf("%s.role: required", at))
		}
		if strings.TrimSpace(r.Username) == "" {
			errs = append(errs, fmt.Errorf("%s.username: required", at))
		} else if j, dup := first[[2]string{r.Role, r.Username}]; dup {
			errs = append(errs, fmt.Errorf("%s.username: %q is already %s[%d] of role %q", at, r.Username, where, j, r.Role))
		} else {
			first[[2]string{r.Role, r.Username}] = i
		}
		if r.Email != "" && !strings.Contains(r.Email, "@") {
			errs = append(errs, fmt.Errorf("%s.email: %q is not an email address", at, r.Email))
		}
	}
	return errs
}

// ParseRoster reads a roster file, YAML or JSON: a list of {role, username, email, on_call}.
// Unknown keys are errors; every error names the file (name), the entry and the key.
func ParseRoster(name string, data []byte) ([]Reviewer, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s: want a list of {role, username, email, on_call}", name)
	}
	entries := root.Content[0].Content
	rs := make([]Reviewer, len(entries))
	var errs []error
	for i, node := range entries {
		at := fmt.Sprintf("%s[%d]", name, i)
		if err := checkKeys(node, at, Reviewer{}); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := node.Decode(&rs[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := errors.Join(ValidateRoster(name, rs)...); err != nil {
		return nil, err
	}
	return rs, nil
}
