package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/internal/wiring"
)

const reviewersUsage = "want: ilm reviewers set [--file roster.yaml|json] | list [--role ROLE]"

// runReviewers manages the rosters failed incidents get their reviewers from. set replaces
// the roster of each role the file names (without a file: the config's
// provisioning.review.roster, as the worker does at start); members who stay keep their
// counts. list prints a role's roster with the counts the assignment methods go by.
func runReviewers(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("reviewers", stdout, stderr)
	file := fs.String("file", "", "set: a YAML or JSON list of {role, username, email, on_call} (default: the config's provisioning.review.roster)")
	role := fs.String("role", "", "list: the role (default: the config's provisioning.review.role)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "set" && pos[0] != "list") {
		return &exitCodeError{code: exitUsage, err: errors.New(reviewersUsage)}
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	if pos[0] == "set" {
		return setRosters(ctx, env, *file, stderr)
	}
	if *role == "" {
		*role = env.Config.Provisioning.Review.Role
	}
	if *role == "" {
		return &exitCodeError{code: exitUsage, err: errors.New("--role is required: the config has no provisioning.review.role")}
	}
	return listRoster(ctx, env, *role, stdout)
}

// setRosters replaces the rosters of the roles that the file, or the config, names.
func setRosters(ctx context.Context, env *wiring.Env, file string, stderr io.Writer) error {
	source, entries := "provisioning.review.roster", env.Config.Provisioning.Review.Roster
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if entries, err = config.ParseRoster(file, data); err != nil {
			return err
		}
		source = file
	}
	if len(entries) == 0 {
		return fmt.Errorf("%s names no reviewer", source)
	}
	rosters, err := wiring.SetRosters(ctx, env.Store, entries)
	if err != nil {
		return err
	}
	for _, r := range rosters {
		names := make([]string, len(r.Members))
		for i, m := range r.Members {
			names[i] = m.Username
		}
		fmt.Fprintf(stderr, "roster of %s: %s\n", r.Role, strings.Join(names, ", "))
	}
	return nil
}

// rosterEntry is how `ilm reviewers list` prints a reviewer: the roster file's keys, and
// the counts.
type rosterEntry struct {
	Role            string     `json:"role"`
	Username        string     `json:"username"`
	Email           string     `json:"email,omitempty"`
	OnCall          bool       `json:"on_call"`
	OpenAssignments int        `json:"open_assignments"`
	LastAssignedAt  *time.Time `json:"last_assigned_at,omitempty"`
}

func listRoster(ctx context.Context, env *wiring.Env, role string, stdout io.Writer) error {
	rs, err := env.Store.ListReviewers(ctx, role)
	if err != nil {
		return err
	}
	out := make([]rosterEntry, len(rs))
	for i, r := range rs {
		out[i] = rosterEntry{Role: r.Role, Username: r.Username, Email: r.Email, OnCall: r.OnCall, OpenAssignments: r.OpenAssignments}
		if !r.LastAssignedAt.IsZero() {
			out[i].LastAssignedAt = &r.LastAssignedAt
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
