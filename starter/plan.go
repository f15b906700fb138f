package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/profile"
)

// planLine is one line of `ilm plan` output.
type planLine struct {
	Type          lifecycle.EventType       `json:"type"`
	EmployeeID    string                    `json:"employee_id"`
	Email         string                    `json:"email"`
	Details       string                    `json:"details"`
	ChangedFields map[string]profile.Change `json:"changed_fields,omitempty"`
	// Scope lists the scoped targets the person is out of, enters or leaves.
	Scope []lifecycle.ScopeStep `json:"scope,omitempty"`
}

func runPlan(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("plan", stdout, stderr)
	instance := fs.String("instance", "", "workday instance name")
	report := fs.String("report", "", "report file, instead of the instance's report_url (not a URL)")
	nowFlag := fs.String("now", "", "evaluate dates as of this RFC 3339 time (default: now)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := required("instance", *instance); err != nil {
		return err
	}
	if err := reportFlag(*report); err != nil {
		return err
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	plan, err := env.Planner().Plan(ctx, *instance, hrsync.Options{Report: *report, Now: now})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, ev := range plan.Result.Events {
		line := planLine{Type: ev.Type, EmployeeID: ev.EmployeeID, Email: ev.Email, Details: ev.Details, ChangedFields: ev.ChangedFields, Scope: ev.Scope}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	printScopeMoves(stderr, plan.Result.Events)
	for _, rowErr := range plan.Result.Errors {
		fmt.Fprintln(stderr, rowErr.Error())
	}
	if len(plan.Result.Events) == 0 {
		// Say it: an empty stdout could as well be a plan that was never made.
		fmt.Fprintln(stderr, "no changes")
	}
	g := plan.Result.Guard
	if g.Disabled {
		fmt.Fprintf(stderr, "warning: the mass-change guard of %s is disabled (guard.disabled): a poll would start all of this unchecked\n", *instance)
	}
	if g.Tripped {
		printGuard(stderr, *instance, g.Counts, plan.Result.Digest, acceptHint(*instance, *report, *nowFlag, plan.Result.Digest))
		return &exitCodeError{code: exitGuard, err: fmt.Errorf("%s: a poll would start nothing", g.Reason)}
	}
	return nil
}

// printScopeMoves says who enters and who leaves each target's scope, one line a move, and
// how many people out of each scope the plan leaves without a call there.
func printScopeMoves(w io.Writer, events []lifecycle.Event) {
	out := map[string]int{}
	var outOrder []string
	for _, ev := range events {
		for _, s := range ev.Scope {
			switch s.Move {
			case lifecycle.ScopeEnter:
				fmt.Fprintf(w, "scope: %s enters the scope of %s (%s): account created there\n", ev.EmployeeID, s.Instance, s.Scope)
			case lifecycle.ScopeExitDisable:
				fmt.Fprintf(w, "scope: %s leaves the scope of %s (%s): account disabled there\n", ev.EmployeeID, s.Instance, s.Scope)
			case lifecycle.ScopeExitKeep:
				fmt.Fprintf(w, "scope: %s leaves the scope of %s (%s): account kept (on_scope_exit: keep)\n", ev.EmployeeID, s.Instance, s.Scope)
			default:
				if out[s.Instance] == 0 {
					outOrder = append(outOrder, s.Instance)
				}
				out[s.Instance]++
			}
		}
	}
	for _, instance := range outOrder {
		fmt.Fprintf(w, "scope: %d planned people are out of the scope of %s: no call there\n", out[instance], instance)
	}
}

func runSync(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("sync", stdout, stderr)
	initial := fs.Bool("initial", false, "create profiles only, without incidents (required)")
	instance := fs.String("instance", "", "workday instance name")
	report := fs.String("report", "", "report file, instead of the instance's report_url (not a URL)")
	nowFlag := fs.String("now", "", "evaluate dates as of this RFC 3339 time (default: now)")
	force := fs.Bool("force", false, "run even when refused: over an instance already synced, or on an empty or mostly invalid report")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if !*initial {
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("only --initial is supported: later syncs are polls (ilm poll)")}
	}
	if err := required("instance", *instance); err != nil {
		return err
	}
	if err := reportFlag(*report); err != nil {
		return err
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	sum, err := env.Planner().InitialSync(ctx, *instance, hrsync.Options{Report: *report, Now: now, Force: *force})
	if err != nil {
		return err
	}
	for _, skipped := range sum.Skipped {
		fmt.Fprintln(stderr, skipped.Error())
	}
	for _, refusal := range sum.Overrode {
		fmt.Fprintln(stderr, "--force: synced although", refusal)
	}
	fmt.Fprintf(stdout, "initial sync of %s: %d rows, %d profiles created, %d rows skipped, no incidents started\n",
		sum.Instance, sum.Rows, sum.Created, len(sum.Skipped))
	return nil
}

// reportFlag refuses a --report that is not a local file: the report URL, and so where the
// Workday credentials go, comes from the instance's report_url alone.
func reportFlag(report string) error {
	if err := hrsync.CheckReport(report); err != nil {
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("--report: %w (the instance's report_url is the only URL read)", err)}
	}
	return nil
}
