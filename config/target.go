package config

import (
	"fmt"
	"time"

	"github.com/ilm-dev/ilm/mappers"
)

// TargetSettings are the keys every provisioning target instance has, whatever its type
// (active_directory, okta, scim, servicenow); each type embeds them inline.
type TargetSettings struct {
	CreateIfNotExists bool `yaml:"create_if_not_exists"`
	// AdoptUnlinkedAccounts lets a write adopt an account found by login or email that stores
	// no employee id yet (never a protected one). Off by default: such an account may be anyone's.
	AdoptUnlinkedAccounts bool       `yaml:"adopt_unlinked_accounts"`
	Operations            Operations `yaml:"operations"`
	// Timeout bounds one call to the target.
	Timeout Duration `yaml:"timeout"`
	// Breaker pauses the target while its calls keep failing (config/breaker.go).
	Breaker Breaker `yaml:"breaker"`
	// Scope, an expression over the profile in the mapper language, says who gets an
	// account here (`employeetype != "Contractor"`); empty: everyone. OnScopeExit is what
	// happens to the account of a person an HR change moves out of it.
	Scope       string `yaml:"scope"`
	OnScopeExit string `yaml:"on_scope_exit"`
	// ScopeCondition is Scope compiled when the config is loaded; nil without a scope.
	ScopeCondition *mappers.Condition `yaml:"-"`
}

// on_scope_exit values.
const (
	// ScopeExitDisable disables the account there, the default, as Entra ID deprovisions a
	// user who goes out of an app's scope.
	ScopeExitDisable = "disable"
	// ScopeExitKeep leaves the account as it is; ILM no longer writes it.
	ScopeExitKeep = "keep"
)

// MaxTargetTimeout is the longest a target instance's timeout may be: the activity that
// makes a target call has 30 s to finish (StartToClose of workflows' connectorCall), so a
// longer timeout would not be waited for, the call cut short at 30 s whatever the key said.
const MaxTargetTimeout = 30 * time.Second

// defaultTargetTimeout is a target call's timeout when the instance sets none.
const defaultTargetTimeout = 30 * time.Second

func (t *TargetSettings) applyDefaults() {
	if t.Timeout.Duration == 0 {
		t.Timeout.Duration = defaultTargetTimeout
	}
	if t.Scope != "" && t.OnScopeExit == "" {
		t.OnScopeExit = ScopeExitDisable
	}
	t.Breaker.applyDefaults()
}

func (t *TargetSettings) validate(key string) []error {
	var errs []error
	switch d := t.Timeout.Duration; {
	case d < 0:
		errs = append(errs, fmt.Errorf("%s.timeout: must be positive", key))
	case d > MaxTargetTimeout:
		errs = append(errs, fmt.Errorf("%s.timeout: %s is more than %s, the time a target call's activity is given; at most %s", key, d, MaxTargetTimeout, MaxTargetTimeout))
	}
	return append(errs, t.Breaker.validate(key)...)
}

// compileScope compiles the scope of instance name once, for every poll to evaluate.
func (t *TargetSettings) compileScope(key, name string) error {
	switch {
	case t.Scope == "" && t.OnScopeExit != "":
		return fmt.Errorf("%s.on_scope_exit: instance %q: needs a scope", key, name)
	case t.Scope == "":
		return nil
	case t.OnScopeExit != ScopeExitDisable && t.OnScopeExit != ScopeExitKeep:
		return fmt.Errorf("%s.on_scope_exit: instance %q: %q is neither %s nor %s", key, name, t.OnScopeExit, ScopeExitDisable, ScopeExitKeep)
	}
	c, err := mappers.CompileCondition(t.Scope)
	if err != nil {
		return fmt.Errorf("%s.scope: instance %q: %w", key, name, err)
	}
	t.ScopeCondition = c
	return nil
}

// Target returns the target settings of a provisioning target instance, nil for a source.
func (in *Instance) Target() *TargetSettings {
	switch {
	case in.ActiveDirectory != nil:
		return &in.ActiveDirectory.TargetSettings
	case in.Okta != nil:
		return &in.Okta.TargetSettings
	case in.SCIM != nil:
		return &in.SCIM.TargetSettings
	case in.ServiceNow != nil:
		return &in.ServiceNow.TargetSettings
	}
	return nil
}
