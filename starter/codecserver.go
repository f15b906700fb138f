package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/internal/codec"
)

// runCodecServer is `ilm codec-server`: the HTTP codec the Temporal Web UI calls
// (--ui-codec-endpoint) to show ILM's encrypted payloads, keyed by the config's
// temporal.codec.keys_file. It runs until interrupted.
func runCodecServer(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("codec-server", stdout, stderr)
	listen := fs.String("listen", "127.0.0.1:8234", "address to listen on (loopback unless you mean otherwise)")
	origin := fs.String("origin", "http://localhost:8233", "the Web UI's origin, allowed by CORS; several separated by commas")
	tokenEnv := fs.String("token-env", "", "environment variable holding a bearer token every request must carry")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	h, err := codecHandler(c.config, *origin, *tokenEnv)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if host, _, _ := net.SplitHostPort(*listen); !isLoopback(host) && *tokenEnv == "" {
		fmt.Fprintf(stderr, "warning: %s is not loopback and no --token-env is set: whoever reaches it can decrypt ILM's payloads\n", *listen)
	}
	fmt.Fprintf(stderr, "codec server on http://%s for %s\n", ln.Addr(), *origin)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, ln, h)
}

// codecHandler builds the codec server's handler from the config file's keys.
func codecHandler(configPath, origin, tokenEnv string) (http.Handler, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, err
	}
	if cfg.Temporal.Codec.KeysFile == "" {
		return nil, fmt.Errorf("%s: temporal.codec.keys_file is not set: there is nothing to decrypt with", configPath)
	}
	cdc, err := codec.Load(cfg.Temporal.Codec.KeysFile)
	if err != nil {
		return nil, fmt.Errorf("temporal.codec.keys_file: %w", err)
	}
	opts := codec.ServerOptions{Origins: strings.Split(origin, ",")}
	if tokenEnv != "" {
		if opts.Token = os.Getenv(tokenEnv); opts.Token == "" {
			return nil, fmt.Errorf("--token-env: $%s is empty", tokenEnv)
		}
	}
	return codec.Handler(cdc, opts), nil
}

// serve serves h on ln until ctx ends, then lets requests in flight finish.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
