// Package process runs a stand-in as a process of its own, for the local demo: on a
// loopback address only (the stand-ins speak plain HTTP, which ILM accepts only there), with
// the API token read from a file so that it never appears in a process list.
package process

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// Token checks that addr is a loopback address and reads the token from tokenFile.
func Token(addr, tokenFile string) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("-addr %s: the stand-in listens on loopback only", addr)
	}
	if tokenFile == "" {
		return "", errors.New("-token-file is required")
	}
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(token)), nil
}

// Serve serves h on addr until the process is stopped.
func Serve(addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}
