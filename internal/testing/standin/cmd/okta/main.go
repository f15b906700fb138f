// Command okta runs the Okta stand-in (internal/standin/okta) as a process, for the local
// demo: an in-memory org over plain HTTP on a loopback address (ILM accepts an http:// org
// URL only for loopback hosts).
//
//	okta -addr 127.0.0.1:8017 -token-file TOKEN [-apps github_emu=GitHub,slack=Slack -apps-file APPS.json]
//
// The apps are created at start and written to -apps-file as [{"id", "name", "label"}], so
// that a script can build ILM's app map from them. The org is lost when the process stops.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	"github.com/ilm-dev/ilm/internal/testing/standin/process"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8017", "loopback address to listen on")
	tokenFile := flag.String("token-file", "", "file holding the API token clients must send (SSWS)")
	apps := flag.String("apps", "", "apps to create, name=label,… ")
	appsFile := flag.String("apps-file", "", "where to write the created apps as JSON")
	flag.Parse()
	if err := run(*addr, *tokenFile, *apps, *appsFile); err != nil {
		fmt.Fprintln(os.Stderr, "okta stand-in:", err)
		os.Exit(1)
	}
}

func run(addr, tokenFile, apps, appsFile string) error {
	token, err := process.Token(addr, tokenFile)
	if err != nil {
		return err
	}
	org := standin.New(standin.Config{Token: token})
	var created []standin.App
	for _, spec := range strings.Split(apps, ",") {
		if spec = strings.TrimSpace(spec); spec == "" {
			continue
		}
		name, label, ok := strings.Cut(spec, "=")
		if !ok {
			label = name
		}
		created = append(created, org.AddApp(name, label))
	}
	if appsFile != "" {
		type app struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Label string `json:"label"`
		}
		out := []app{}
		for _, a := range created {
			out = append(out, app{a.ID, a.Name, a.Label})
		}
		data, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(appsFile, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	log.Printf("Okta stand-in on http://%s (%d apps)", addr, len(created))
	return process.Serve(addr, org)
}
