package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/store"
)

const oktaUsage = "want get-configuration or set-configuration"

// runOkta manages the app map of an Okta instance (SPEC §2), as XSOAR's
// okta-iam-get-configuration and okta-iam-set-configuration do: get prints it, set replaces
// it whole from a file.
func runOkta(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("okta", stdout, stderr)
	instance := fs.String("instance", "", "okta instance name")
	file := fs.String("file", "", "set-configuration: the app map, a JSON array of {application_id, name, label, instance}")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "get-configuration" && pos[0] != "set-configuration") {
		return &exitCodeError{code: exitUsage, err: errors.New(oktaUsage)}
	}
	if err := required("instance", *instance); err != nil {
		return err
	}
	if pos[0] == "set-configuration" {
		if err := required("file", *file); err != nil {
			return err
		}
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	if _, err := env.Config.OktaInstance(*instance); err != nil {
		return err
	}
	if pos[0] == "set-configuration" {
		m, err := readAppMap(env.Config, *instance, *file)
		if err != nil {
			return err
		}
		if err := env.Store.SetAppMap(ctx, *instance, m); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "app map of %s: %d applications\n", *instance, len(m))
		return nil
	}
	m, err := env.Store.GetAppMap(ctx, *instance)
	if err != nil {
		return err
	}
	if m == nil {
		m = []store.AppMapping{}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// readAppMap reads and checks an app map file: every entry names an application and a
// provisioning instance of the config, and no application appears twice.
func readAppMap(cfg *config.Config, oktaInstance, path string) ([]store.AppMapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m []store.AppMapping
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w (want a JSON array of {\"application_id\", \"name\", \"label\", \"instance\"})", path, err)
	}
	var errs []error
	seen := map[string]int{}
	for i, e := range m {
		at := fmt.Sprintf("%s: entry %d", path, i)
		e.ApplicationID, e.Name, e.Label, e.Instance = strings.TrimSpace(e.ApplicationID), strings.TrimSpace(e.Name), strings.TrimSpace(e.Label), strings.TrimSpace(e.Instance)
		switch j, dup := seen[e.ApplicationID]; {
		case e.ApplicationID == "":
			errs = append(errs, fmt.Errorf("%s: application_id: required", at))
		case dup:
			errs = append(errs, fmt.Errorf("%s: application_id: %s is also entry %d", at, e.ApplicationID, j))
		}
		seen[e.ApplicationID] = i
		if e.Name == "" {
			errs = append(errs, fmt.Errorf("%s: name: required (it is what the profile's applications field records)", at))
		}
		if err := checkAppInstance(cfg, oktaInstance, e.Instance); err != nil {
			errs = append(errs, fmt.Errorf("%s: instance: %w", at, err))
		}
		m[i] = e
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return m, nil
}

// checkAppInstance says why an instance cannot provision an Okta app, if it cannot.
func checkAppInstance(cfg *config.Config, oktaInstance, name string) error {
	if name == "" {
		return errors.New("required")
	}
	in, ok := cfg.Instance(name)
	switch {
	case !ok:
		return fmt.Errorf("no connector instance named %q in the config", name)
	case in.Workday != nil:
		return fmt.Errorf("%q is a workday source, not a provisioning target", name)
	case name == oktaInstance:
		return fmt.Errorf("%q is the Okta instance itself", name)
	}
	return nil
}
