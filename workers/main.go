// Command ilm-worker runs ILM's Temporal worker: every workflow and activity on the config's
// task queue. At start it applies the config's reviewer roster (provisioning.review.roster) and
// registers the search attributes the namespace lacks, so a bare server is enough.
//
//	ilm-worker --config ilm.yaml [--store DSN] [--metrics-listen HOST:PORT] [--log-format json|text]
//
// It logs JSON lines to stderr (log.format), and with --metrics-listen (worker.metrics_listen)
// serves Prometheus metrics on /metrics and its health on /healthz.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/internal/metrics"
	"github.com/ilm-dev/ilm/internal/wiring"
)

type options struct {
	configPath, storeDSN, metricsListen, logFormat string
}

func main() {
	var o options
	flag.StringVar(&o.configPath, "config", envOr("ILM_CONFIG", "ilm.yaml"), "config file")
	flag.StringVar(&o.storeDSN, "store", "", "store DSN, overriding the config's (sqlite:FILE or postgres://…)")
	flag.StringVar(&o.metricsListen, "metrics-listen", "", "host:port to serve /metrics and /healthz on, overriding the config's worker.metrics_listen")
	flag.StringVar(&o.logFormat, "log-format", "", "json or text, overriding the config's log.format (default json)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "ilm-worker:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	env, err := wiring.Open(context.Background(), o.configPath, o.storeDSN)
	if err != nil {
		return err
	}
	defer env.Close()
	logger, err := env.Logger(os.Stderr, o.logFormat, slog.LevelInfo)
	if err != nil {
		return err
	}
	slog.SetDefault(logger)
	if env.Config.Temporal.Codec.KeysFile == "" {
		slog.Warn("temporal.codec.keys_file is not set: inputs, results and errors, with people's names and emails, are stored in Temporal in clear")
	}
	if _, err := env.ApplyRoster(context.Background()); err != nil {
		return fmt.Errorf("provisioning.review.roster: %w", err)
	}
	listen := env.Config.Worker.MetricsListen
	if o.metricsListen != "" {
		listen = o.metricsListen
	}
	var reg *metrics.Registry
	if listen != "" {
		reg = wiring.NewMetrics()
	}
	c, err := env.DialWith(logger, reg.Handler())
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
	health := env.NewHealth(c)
	if reg != nil {
		wiring.ReviewsPending(reg, c, env.Config.Temporal.Namespace)
		srv, err := metrics.Listen(listen, reg, health.Check)
		if err != nil {
			return err
		}
		defer srv.Close()
		slog.Info("serving /metrics and /healthz", "addr", srv.Addr())
	}
	health.SetRunning(true)
	defer health.SetRunning(false)
	return env.Worker(c, acts).Run(worker.InterruptCh())
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
