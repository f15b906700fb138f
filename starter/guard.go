package main

import (
	"fmt"
	"io"
	"regexp"

	"github.com/ilm-dev/ilm/lifecycle"
)

// printGuard tells the operator what a plan the guard stopped holds, per incident type, its
// digest, and then next: what to do about it.
func printGuard(w io.Writer, instance string, c lifecycle.GuardCounts, digest, next string) {
	fmt.Fprintf(w, "mass-change guard counts for %s: %d access removals, %d credential grants\n",
		instance, c.AccessRemovals(), c.CredentialGrants())
	for _, t := range []struct {
		typ string
		n   int
	}{
		{string(lifecycle.TerminateUser), c.Terminations},
		{string(lifecycle.ADDeactivation), c.ADDeactivations},
		{string(lifecycle.SyncUser) + " (orphans)", c.Orphans},
		{string(lifecycle.NewHire), c.NewHires},
		{string(lifecycle.ADActivation), c.ADActivations},
		{string(lifecycle.RehireUser), c.Rehires},
		{"scope exits (disable)", c.ScopeExits},
		{"scope entries", c.ScopeEntries},
	} {
		fmt.Fprintf(w, "  %-30s %d\n", t.typ, t.n)
	}
	fmt.Fprintf(w, "plan digest: %s\n", digest)
	fmt.Fprintln(w, next)
}

// acceptHint says how to run exactly the plan of digest past the guard: a poll of the same
// report, as of the same time when one was given.
func acceptHint(instance, report, now, digest string) string {
	cmd := "ilm poll --instance " + instance
	if report != "" {
		cmd += " --report " + report
	}
	if now != "" {
		cmd += " --now " + now
	}
	return "to run exactly this plan anyway: " + cmd + " --accept-plan " + digest
}

// planDigest is the form of lifecycle.PlanDigest.
var planDigest = regexp.MustCompile(`^[0-9a-f]{64}$`)
