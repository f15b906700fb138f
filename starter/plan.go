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
		line := planLine{Type: ev.Type, EmployeeID: ev.EmployeeID, Email: ev.Email, Details: ev.Details, ChangedFields: ev.ChangedFields}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
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
