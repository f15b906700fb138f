// Command ilm-worker runs ILM's Temporal worker: every workflow and activity on the config's
// task queue. At start it applies the config's reviewer roster (provisioning.review.roster) and
// registers the search attributes the namespace lacks, so a bare server is enough.
//
//	ilm-worker --config ilm.yaml [--store DSN]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/internal/wiring"
)

func main() {
	configPath := flag.String("config", envOr("ILM_CONFIG", "ilm.yaml"), "config file")
	storeDSN := flag.String("store", "", "store DSN, overriding the config's (sqlite:FILE or postgres://…)")
	flag.Parse()
	if err := run(*configPath, *storeDSN); err != nil {
		fmt.Fprintln(os.Stderr, "ilm-worker:", err)
		os.Exit(1)
	}
}

func run(configPath, storeDSN string) error {
	env, err := wiring.Open(context.Background(), configPath, storeDSN)
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Config.Temporal.Codec.KeysFile == "" {
		slog.Warn("temporal.codec.keys_file is not set: inputs, results and errors, with people's names and emails, are stored in Temporal in clear")
	}
	if _, err := env.ApplyRoster(context.Background()); err != nil {
		return fmt.Errorf("provisioning.review.roster: %w", err)
	}
	c, err := env.Dial(slog.LevelInfo)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := wiring.EnsureSearchAttributes(context.Background(), c, env.Config.Temporal.Namespace); err != nil {
		return err
	}
	acts, err := env.Activities(c)
	if err != nil {
		return err
	}
	return env.Worker(c, acts).Run(worker.InterruptCh())
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
