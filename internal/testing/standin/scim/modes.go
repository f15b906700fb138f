package scim

import "testing"

// Mode is one of the stand-in's two ways with what its schemas do not declare: dropped, as
// the library does, or refused, as real apps do (Config.Strict).
type Mode struct {
	Name   string // lenient or strict: the subtest's name
	Strict bool
}

// Modes are both ways, lenient first. The stand-in's conformance tests and the SCIM
// connector's suite run in each.
var Modes = []Mode{{"lenient", false}, {"strict", true}}

// InEachMode runs test once in each mode, as the subtests lenient and strict.
func InEachMode(t *testing.T, test func(t *testing.T, strict bool)) {
	t.Helper()
	for _, mode := range Modes {
		t.Run(mode.Name, func(t *testing.T) { test(t, mode.Strict) })
	}
}
