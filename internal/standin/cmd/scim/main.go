// Command scim runs the SCIM 2.0 stand-in (internal/standin/scim) as a process, for the
// local demo: an in-memory app of one vendor's dialect over plain HTTP on a loopback
// address (ILM accepts an http:// base URL only for loopback hosts).
//
//	scim -addr 127.0.0.1:8018 -token-file TOKEN [-vendor github|slack|generic] [-enterprise acme]
//
// It prints the SCIM base URL to give ILM. The users are lost when the process stops.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	standin "github.com/ilm-dev/ilm/internal/standin/scim"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8018", "loopback address to listen on")
	tokenFile := flag.String("token-file", "", "file holding the bearer token clients must send")
	vendor := flag.String("vendor", standin.GitHub, "github, slack or generic")
	enterprise := flag.String("enterprise", "acme", "github: the enterprise in /scim/v2/enterprises/{enterprise}")
	flag.Parse()
	if err := run(*addr, *tokenFile, *vendor, *enterprise); err != nil {
		fmt.Fprintln(os.Stderr, "scim stand-in:", err)
		os.Exit(1)
	}
}

func run(addr, tokenFile, vendor, enterprise string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %s: the stand-in listens on loopback only", addr)
	}
	if tokenFile == "" {
		return errors.New("-token-file is required")
	}
	switch vendor {
	case standin.Generic, standin.GitHub, standin.Slack:
	default:
		return fmt.Errorf("-vendor %q is not one of github, slack, generic", vendor)
	}
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		return err
	}
	app := standin.New(standin.Config{Vendor: vendor, Token: strings.TrimSpace(string(token)), Enterprise: enterprise})
	log.Printf("SCIM stand-in (%s) at %s", vendor, app.BaseURL("http://"+addr))
	srv := &http.Server{Addr: addr, Handler: app, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}
