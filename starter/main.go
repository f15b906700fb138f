// Command ilm is the operator CLI of ILM.
//
//	ilm plan      --config F --instance NAME [--report PATH] [--now RFC3339]
//	ilm sync      --initial --config F --instance NAME [--report PATH] [--now RFC3339] [--force]
//	ilm profiles  get EMPLOYEE_ID | list | history EMPLOYEE_ID
//	ilm poll      --config F --instance NAME [--report PATH] [--now RFC3339] [--accept-plan DIGEST] [-v]   (workday or okta)
//	ilm schedules apply --config F
//	ilm review    status (--employee-id ID | --workflow-id ID) --config F
//	ilm review    decide (--employee-id ID | --workflow-id ID) [--review-id ID] --action retry|skip|abort
//	              [--reviewer NAME] [--comment TEXT] --config F
//	ilm reviewers set [--file roster.yaml|json] --config F   (no file: the config's provisioning.review.roster)
//	ilm reviewers list [--role ROLE] --config F
//	ilm targets   status | resume NAME --config F
//	ilm okta      get-configuration --config F --instance NAME
//	ilm okta      set-configuration --config F --instance NAME --file map.json
//	ilm mapper    test --mapper F --input ROW.json|- [--date-format LAYOUT]
//	ilm iam       get-user|create-user|update-user|disable-user --config F --instance NAME
//	              --user-profile JSON|@FILE [--allow-enable] [--create-if-not-exists]
//	ilm incidents --email ADDR [--print-query] --config F
//	ilm codec-server --config F [--listen 127.0.0.1:8234] [--origin URL] [--token-env NAME]
//
// Every command takes --config (default $ILM_CONFIG or ilm.yaml; a missing file is an error)
// and --store (overrides the config's store). ilm help [COMMAND] prints usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ilm-dev/ilm/internal/wiring"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	// exitGuard: the mass-change guard tripped, or the plan changed since it was accepted;
	// nothing was started.
	exitGuard = 3
)

// exitCodeError carries an exit code out of a command.
type exitCodeError struct {
	code int
	err  error
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

type command struct {
	name string
	run  func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"plan", runPlan},
	{"sync", runSync},
	{"profiles", runProfiles},
	{"poll", runPoll},
	{"provision", runProvision},
	{"schedules", runSchedules},
	{"review", runReview},
	{"reviewers", runReviewers},
	{"targets", runTargets},
	{"okta", runOkta},
	{"mapper", runMapper},
	{"iam", runIAM},
	{"incidents", runIncidents},
	{"codec-server", runCodecServer},
}

// help says what each command does (about) and how to call it (synopsis), for `ilm help`,
// `ilm help CMD` and `ilm CMD --help`.
var help = map[string]struct{ about, synopsis string }{
	"plan": {"dry run: print the events a report would raise, one JSON object per line",
		"ilm plan --config F --instance NAME [--report PATH] [--now RFC3339]"},
	"sync": {"--initial: create the profiles of everyone in a report, without incidents",
		"ilm sync --initial --config F --instance NAME [--report PATH] [--now RFC3339] [--force]"},
	"profiles": {"get EMPLOYEE_ID | list | history EMPLOYEE_ID: print profiles as JSON",
		"ilm profiles get EMPLOYEE_ID | list | history EMPLOYEE_ID --config F"},
	"poll": {"run one poll of an instance on the worker now and wait for it",
		"ilm poll --config F --instance NAME [--report PATH] [--now RFC3339] [--accept-plan DIGEST] [-v]"},
	"provision": {"provision one person now, as the next poll would, and wait: New Hire, then AD Activation when due",
		"ilm provision --config F --instance NAME [--now RFC3339] EMPLOYEE_ID"},
	"schedules": {"apply: create or update the poll schedules (idempotent)",
		"ilm schedules apply --config F"},
	"review": {"status | decide: show an incident's pending review, or decide it (retry, skip, abort)",
		"ilm review status (--employee-id ID | --workflow-id ID) --config F\n" +
			"       ilm review decide (--employee-id ID | --workflow-id ID) [--review-id ID] --action retry|skip|abort [--reviewer NAME] [--comment TEXT] --config F"},
	"reviewers": {"set [--file F] | list [--role R]: replace or print the reviewer rosters",
		"ilm reviewers set [--file roster.yaml|json] --config F\n       ilm reviewers list [--role ROLE] --config F"},
	"targets": {"status | resume NAME: print the targets' circuit breakers, or resume a paused target",
		"ilm targets status --config F\n       ilm targets resume NAME --config F"},
	"okta": {"get-configuration | set-configuration --file F: print or replace the app map of an Okta instance",
		"ilm okta get-configuration|set-configuration --config F --instance NAME [--file map.json]"},
	"mapper": {"test --mapper F --input row.json: print what a mapper makes of a row",
		"ilm mapper test --mapper F --input ROW.json|- [--date-format LAYOUT]"},
	"iam": {"get-user | create-user | update-user | disable-user: one connector operation, result as JSON",
		"ilm iam get-user|create-user|update-user|disable-user --config F --instance NAME --user-profile JSON|@FILE [--allow-enable] [--create-if-not-exists]"},
	"incidents": {"list a person's incidents by email (the Email search attribute), or print the query for the Web UI",
		"ilm incidents --email ADDR [--print-query] --config F"},
	"codec-server": {"serve the payload codec to the Temporal Web UI (POST /encode, /decode)",
		"ilm codec-server --config F [--listen 127.0.0.1:8234] [--origin http://localhost:8233] [--token-env NAME]"},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command of args. Help that is asked for goes to stdout and exits 0; usage
// after a mistake goes to stderr and exits 2.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return exitOK
		}
		args = []string{args[1], "--help"}
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		var coded *exitCodeError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &coded):
			if coded.err != nil {
				fmt.Fprintln(stderr, "ilm "+c.name+":", coded.err)
			}
			return coded.code
		default:
			fmt.Fprintln(stderr, "ilm "+c.name+":", err)
			return exitError
		}
	}
	fmt.Fprintf(stderr, "ilm: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ilm COMMAND [flags]")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, help[c.name].about)
	}
	fmt.Fprintln(w, "\nilm help COMMAND (or ilm COMMAND --help) prints a command's flags. Every command reads\n"+
		"--config (default $ILM_CONFIG, else ilm.yaml) and takes --store to override its store.")
}

// common holds the flags every command takes.
type common struct {
	config, store string
}

// newFlags returns the flag set of the command name with the flags every command takes.
// Its usage goes to stdout when asked for (-h, --help) and to stderr after a flag error,
// which the flag package writes before it.
func newFlags(name string, stdout, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet("ilm "+name, flag.ContinueOnError)
	errOut := &watchedWriter{w: stderr}
	fs.SetOutput(errOut)
	fs.Usage = func() {
		w := stdout
		if errOut.wrote {
			w = stderr
		}
		fmt.Fprintf(w, "usage: %s\n\n%s\n\nflags:\n", help[name].synopsis, help[name].about)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(errOut)
	}
	c := &common{}
	fs.StringVar(&c.config, "config", envOr("ILM_CONFIG", "ilm.yaml"), "config file")
	fs.StringVar(&c.store, "store", "", "store DSN, overriding the config's (sqlite:FILE or postgres://…)")
	return fs, c
}

// parse parses flags wherever they stand among the arguments and returns the positional ones,
// so `ilm profiles get 1001 --config F` and `ilm profiles --config F get 1001` both work.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			// The flag package has printed the error and the usage.
			return nil, &exitCodeError{code: exitUsage}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// parseNow reads a --now flag: RFC 3339, or empty for the current time.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--now: %q is not an RFC 3339 time such as 2026-11-28T09:00:00Z", s)
	}
	return t, nil
}

// required says which of the flags, given as name, value pairs, is missing.
func required(nameValue ...string) error {
	for i := 0; i+1 < len(nameValue); i += 2 {
		if strings.TrimSpace(nameValue[i+1]) == "" {
			return &exitCodeError{code: exitUsage, err: fmt.Errorf("--%s is required", nameValue[i])}
		}
	}
	return nil
}

// open loads the config and opens its store, as every command that needs them does. A
// missing config file is an error, never a run on defaults: those would open, and create,
// an empty store of their own.
func (c *common) open(ctx context.Context) (*wiring.Env, error) {
	if _, err := os.Stat(c.config); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("config %s not found (set --config or ILM_CONFIG)", c.config)
	}
	return wiring.Open(ctx, c.config, c.store)
}

// openTemporal opens the config and its store, as open does, and connects to Temporal, as
// every command that talks to workflows does; closeAll releases both.
func (c *common) openTemporal(ctx context.Context) (env *wiring.Env, tc client.Client, closeAll func(), err error) {
	if env, err = c.open(ctx); err != nil {
		return nil, nil, nil, err
	}
	if tc, err = env.Dial(slog.LevelWarn); err != nil {
		env.Close()
		return nil, nil, nil, err
	}
	return env, tc, func() { tc.Close(); env.Close() }, nil
}

// watchedWriter says whether anything was written through it.
type watchedWriter struct {
	w     io.Writer
	wrote bool
}

func (w *watchedWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.w.Write(p)
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
