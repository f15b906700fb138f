package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/profile"
)

// iamOperations are the `ilm iam` subcommands, XSOAR's IAM command names.
var iamOperations = map[string]connectors.Operation{
	"get-user":     connectors.OpGet,
	"create-user":  connectors.OpCreate,
	"update-user":  connectors.OpUpdate,
	"disable-user": connectors.OpDisable,
}

const iamUsage = "want get-user, create-user, update-user or disable-user"

// runIAM runs one connector operation on one instance, as XSOAR's iam-*-user commands do,
// and prints its result as JSON: exit 0 when it succeeded or was skipped, 1 when it failed.
func runIAM(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("iam", stdout, stderr)
	instance := fs.String("instance", "", "connector instance name")
	userProfile := fs.String("user-profile", "", "the user profile: a JSON object keyed by profile field keys, or @FILE")
	allowEnable := fs.Bool("allow-enable", false, "update-user: enable a disabled account")
	createIfNotExists := fs.Bool("create-if-not-exists", false, "update-user: create a missing account")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("%s", iamUsage)}
	}
	op, ok := iamOperations[pos[0]]
	if !ok {
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("unknown iam command %q: %s", pos[0], iamUsage)}
	}
	if err := required("instance", *instance, "user-profile", *userProfile); err != nil {
		return err
	}
	p, err := readUserProfile(*userProfile)
	if err != nil {
		return err
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	targets, err := env.Targets()
	if err != nil {
		return err
	}
	target, ok := targets[*instance]
	if !ok {
		return fmt.Errorf("instance %q is not a provisioning target in %s", *instance, c.config)
	}
	// A user profile names what it changes: what it leaves out is left alone.
	opts := connectors.UpdateOptions{AllowEnable: *allowEnable, CreateIfNotExists: *createIfNotExists, Partial: true}
	res := runOperation(ctx, target, *instance, op, p, opts)
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	if !res.Success {
		return &exitCodeError{code: exitError}
	}
	return nil
}

// runOperation runs op on target and returns its result, a failure included.
func runOperation(ctx context.Context, target connectors.Target, instance string, op connectors.Operation,
	p profile.Profile, opts connectors.UpdateOptions) connectors.Result {
	res, err := connectors.Run(ctx, target, op, p, opts)
	if err != nil {
		return connectors.Failure(instance, op, err)
	}
	res.Instance, res.Action = instance, op
	return res
}

// readUserProfile reads --user-profile: inline JSON, or @FILE.
func readUserProfile(arg string) (profile.Profile, error) {
	data := []byte(arg)
	if path, ok := strings.CutPrefix(arg, "@"); ok {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return profile.Profile{}, fmt.Errorf("--user-profile: %w", err)
		}
	}
	p, err := profile.ParseUserProfile(data)
	if err != nil {
		return profile.Profile{}, fmt.Errorf("--user-profile: %w", err)
	}
	return p, nil
}
