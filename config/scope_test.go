package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
)

// scopeDoc is a config with an Okta target scoped by doc's scope lines (indented for the
// instance) and listed as in targets.
func scopeDoc(scope, targets string) string {
	return `
instances:
  - {name: ad, type: active_directory, url: "ldaps://dc:636", bind_dn: "CN=svc", bind_password_env: P, base_dn: "DC=x"}
  - name: okta
    type: okta
    org_url: https://example.okta.com
    token_env: T
` + scope + `
provisioning:
  targets:
` + targets
}

const allTargets = `    create: [ad, okta]
    update: [ad, okta]
    disable: [ad, okta]
`

func TestScopeCompilesAtLoadAndDefaultsToDisable(t *testing.T) {
	cfg, err := Parse([]byte(scopeDoc(`    scope: employeetype != "Contractor"`, allTargets)))
	require.NoError(t, err)
	in, _ := cfg.Instance("okta")
	ts := in.Target()
	assert.Equal(t, ScopeExitDisable, ts.OnScopeExit, "an experienced Entra user expects a disable on scope exit")
	require.NotNil(t, ts.ScopeCondition)
	ok, err := ts.ScopeCondition.Eval(profile.Fields{"employeetype": "Contractor"})
	require.NoError(t, err)
	assert.False(t, ok)

	ad, _ := cfg.Instance("ad")
	assert.Nil(t, ad.Target().ScopeCondition, "no scope: everyone")
	assert.Empty(t, ad.Target().OnScopeExit)

	cfg, err = Parse([]byte(scopeDoc("    scope: employeetype != \"Contractor\"\n    on_scope_exit: keep", `    create: [okta]
`)))
	require.NoError(t, err, "keep needs no disable target")
	in, _ = cfg.Instance("okta")
	assert.Equal(t, ScopeExitKeep, in.Target().OnScopeExit)
}

func TestScopeErrorsNameTheInstanceAndExpression(t *testing.T) {
	assertParseErrors(t, map[string]struct{ doc, want string }{
		"syntax": {scopeDoc(`    scope: employeetype ==`, allTargets),
			`instances[1].scope: instance "okta": expression "employeetype ==": unexpected token EOF`},
		"not a bool": {scopeDoc(`    scope: concat(employeetype, "x")`, allTargets),
			`instances[1].scope: instance "okta": expression "concat(employeetype, \"x\")": expected bool, but got string`},
		"unknown function": {scopeDoc(`    scope: nosuch(employeetype)`, allTargets),
			`instances[1].scope: instance "okta": expression "nosuch(employeetype)": unknown function nosuch`},
		"bad on_scope_exit": {scopeDoc("    scope: employeetype != \"Contractor\"\n    on_scope_exit: delete", allTargets),
			`instances[1].on_scope_exit: instance "okta": "delete" is neither disable nor keep`},
		"on_scope_exit without scope": {scopeDoc("    on_scope_exit: keep", allTargets),
			`instances[1].on_scope_exit: instance "okta": needs a scope`},
		"not a target": {scopeDoc(`    scope: employeetype != "Contractor"`, `    create: [ad]
`), `instances[1].scope: instance "okta" is in none of provisioning.targets.create/update/disable`},
		"default disable needs a disable target": {scopeDoc(`    scope: employeetype != "Contractor"`, `    create: [ad, okta]
    disable: [ad]
`), `instances[1].on_scope_exit: disable (the default with a scope) needs "okta" in provisioning.targets.disable; list it there or set on_scope_exit: keep`},
		"workday has no scope": {`
instances:
  - {name: wd, type: workday, report_url: "file:r.json", scope: "x == 1"}`, `unknown key "scope"`},
	})
}
