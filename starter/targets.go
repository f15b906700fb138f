package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

const targetsUsage = "want: ilm targets status | resume NAME"

// runTargets shows and resumes the provisioning targets' circuit breakers. status prints
// each target instance's breaker; resume closes a paused one at once, rather than waiting
// for its next probe to succeed. Incidents waiting on it call it again when their wait ends.
func runTargets(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("targets", stdout, stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 1 && pos[0] == "status":
	case len(pos) == 2 && pos[0] == "resume":
	default:
		return &exitCodeError{code: exitUsage, err: errors.New(targetsUsage)}
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	names := env.Config.TargetInstances()
	if pos[0] == "status" {
		return printTargets(ctx, env.Store, env.Config.TargetBreaker, names, time.Now(), stdout)
	}
	name := pos[1]
	if !slices.Contains(names, name) {
		return fmt.Errorf("no target instance named %q in the config (have: %s)", name, strings.Join(names, ", "))
	}
	resumed, err := env.Store.ResumeTarget(ctx, name)
	if err != nil {
		return err
	}
	if resumed {
		fmt.Fprintf(stderr, "%s resumed: waiting incidents call it again when their wait ends\n", name)
	} else {
		fmt.Fprintf(stderr, "%s was not paused\n", name)
	}
	return nil
}
