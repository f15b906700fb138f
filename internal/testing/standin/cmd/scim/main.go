// Command scim runs the SCIM 2.0 stand-in (internal/standin/scim) as a process, for the
// local demo: an in-memory app of one vendor's dialect over plain HTTP on a loopback
// address (ILM accepts an http:// base URL only for loopback hosts).
//
//	scim -addr 127.0.0.1:8018 -token-file TOKEN [-vendor github|slack|generic] [-enterprise acme]
//	     [-strict] [-no-enterprise-extension]
//
// It prints the SCIM base URL to give ILM. The users are lost when the process stops.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/ilm-dev/ilm/internal/testing/standin/process"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/scim"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8018", "loopback address to listen on")
	tokenFile := flag.String("token-file", "", "file holding the bearer token clients must send")
	vendor := flag.String("vendor", standin.GitHub, "github, slack or generic")
	enterprise := flag.String("enterprise", "acme", "github: the enterprise in /scim/v2/enterprises/{enterprise}")
	strict := flag.Bool("strict", false, "refuse attributes and paths the app's schemas do not declare (400 invalidValue/invalidPath), as real apps do")
	noExtension := flag.Bool("no-enterprise-extension", false, "declare no enterprise User extension")
	flag.Parse()
	cfg := standin.Config{Vendor: *vendor, Enterprise: *enterprise, Strict: *strict, NoEnterpriseExtension: *noExtension}
	if err := run(*addr, *tokenFile, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "scim stand-in:", err)
		os.Exit(1)
	}
}

func run(addr, tokenFile string, cfg standin.Config) error {
	token, err := process.Token(addr, tokenFile)
	if err != nil {
		return err
	}
	switch cfg.Vendor {
	case standin.Generic, standin.GitHub, standin.Slack:
	default:
		return fmt.Errorf("-vendor %q is not one of github, slack, generic", cfg.Vendor)
	}
	cfg.Token = token
	app := standin.New(cfg)
	log.Printf("SCIM stand-in (%s) at %s", cfg.Vendor, app.BaseURL("http://"+addr))
	return process.Serve(addr, app)
}
