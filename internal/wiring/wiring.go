// Package wiring builds what both ILM programs need from a config file: the store, the
// Temporal client and the activities. It keeps the two mains short and alike.
package wiring

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/internal/codec"
	"github.com/ilm-dev/ilm/internal/redact"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/postgres" // registers postgres://
	_ "github.com/ilm-dev/ilm/store/sqlite"   // registers sqlite:
	"github.com/ilm-dev/ilm/workflows"
)

// Env is a loaded configuration with its open store.
type Env struct {
	Config *config.Config
	Store  store.Store

	secrets *redact.Redactor // see Secrets
}

// Open loads the config at path and opens its store; storeOverride, when set, replaces the
// config's store (the --store flag).
func Open(ctx context.Context, path, storeOverride string) (*Env, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if storeOverride != "" {
		cfg.Store, cfg.StoreEnv = storeOverride, ""
	}
	if cfg.Store, err = cfg.StoreDSN(); err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings() {
		slog.Warn(w)
	}
	if addr := os.Getenv("ILM_TEMPORAL_ADDRESS"); addr != "" {
		cfg.Temporal.Address = addr
	}
	st, err := store.Open(ctx, cfg.Store)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &Env{Config: cfg, Store: st}, nil
}

// Close closes the store.
func (e *Env) Close() error { return e.Store.Close() }

// Planner returns the HR planner over the env.
func (e *Env) Planner() *hrsync.Planner { return &hrsync.Planner{Config: e.Config, Store: e.Store} }

// Dial connects to the Temporal frontend of the config, logging in the config's log.format
// to stderr at level. With temporal.codec.keys_file set, the client encrypts every payload
// and failure it sends and decrypts those it reads; with temporal.tls or temporal.api_key_env
// set, it connects over TLS (mTLS with a client certificate) and sends the API key as a
// bearer token.
func (e *Env) Dial(level slog.Level) (client.Client, error) {
	logger, err := e.Logger(os.Stderr, "", level)
	if err != nil {
		return nil, err
	}
	return e.DialWith(logger, nil)
}

// DialWith is Dial logging through logger and, when m is set, recording the SDK's metrics
// through it (the worker's, internal/metrics). The client's identity is Identity().
func (e *Env) DialWith(logger *slog.Logger, m client.MetricsHandler) (client.Client, error) {
	opts := client.Options{
		HostPort:       e.Config.Temporal.Address,
		Namespace:      e.Config.Temporal.Namespace,
		Logger:         log.NewStructuredLogger(logger),
		MetricsHandler: m,
		Identity:       Identity(),
	}
	if err := Encrypt(&opts, e.Config.Temporal.Codec.KeysFile); err != nil {
		return nil, err
	}
	if err := secure(&opts, e.Config.Temporal); err != nil {
		return nil, err
	}
	c, err := client.Dial(opts)
	if err != nil {
		if tlsErr := probeTLS(opts.HostPort, opts.ConnectionOptions.TLS); tlsErr != nil {
			return nil, fmt.Errorf("temporal %s: %w (TLS: %v)", e.Config.Temporal.Describe(), err, tlsErr)
		}
		return nil, fmt.Errorf("temporal %s: %w", e.Config.Temporal.Describe(), err)
	}
	return c, nil
}

// probeTLS shakes hands with addr once more after a failed dial and waits briefly for the
// server's first word, to say why TLS failed: under TLS 1.3 a frontend that wants a client
// certificate says so only after the handshake, which gRPC reports as a broken connection.
// nil when TLS is off or the handshake holds.
func probeTLS(addr string, cfg *tls.Config) error {
	if cfg == nil {
		return nil
	}
	cfg = cfg.Clone()
	cfg.NextProtos = []string{"h2"}
	dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second}, Config: cfg}
	conn, err := dialer.DialContext(context.Background(), "tcp", addr)
	if err == nil {
		defer conn.Close()
		_ = conn.SetReadDeadline(time.Now().Add(time.Second))
		_, err = conn.Read(make([]byte, 1))
		var netErr net.Error
		if err == nil || errors.As(err, &netErr) && netErr.Timeout() {
			return nil
		}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return nil // no TCP connection: nothing TLS can tell
	}
	if strings.Contains(err.Error(), "certificate required") {
		return fmt.Errorf("%w: the frontend asks for a client certificate (temporal.tls.cert_file, key_file)", err)
	}
	return err
}

// secure sets the client options' TLS and API key credentials from the config's temporal.tls
// and temporal.api_key_env; with neither it leaves them as they are.
func secure(opts *client.Options, t config.Temporal) error {
	tlsConfig, err := t.ClientTLS()
	if err != nil {
		return err
	}
	if tlsConfig != nil {
		opts.ConnectionOptions.TLS = tlsConfig
	}
	key, err := t.APIKey()
	if err != nil {
		return err
	}
	if key != "" {
		// An API key goes over TLS only: the system's CAs unless temporal.tls says otherwise.
		if opts.ConnectionOptions.TLS == nil {
			opts.ConnectionOptions.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		opts.Credentials = client.NewAPIKeyStaticCredentials(key)
	}
	return nil
}

// Encrypt sets the client options' data and failure converters to the codec of the keys
// file; with no file it leaves them as they are.
func Encrypt(opts *client.Options, keysFile string) error {
	if keysFile == "" {
		return nil
	}
	c, err := loadCodec(keysFile)
	if err != nil {
		return err
	}
	opts.DataConverter = codec.DataConverter(c)
	opts.FailureConverter = codec.FailureConverter(opts.DataConverter)
	return nil
}

// UniqueNames compiles provisioning.unique_names' mapper; nil when the choice is off.
func (e *Env) UniqueNames() (*activities.UniqueNames, error) {
	u := e.Config.Provisioning.UniqueNames
	if !u.Enabled {
		return nil, nil
	}
	m, err := mappers.Load(u.Mapper)
	if err == nil {
		err = activities.RequireCandidates(m)
	}
	if err != nil {
		return nil, fmt.Errorf("provisioning.unique_names.mapper: %w", err)
	}
	return &activities.UniqueNames{Mapper: m, MaxLength: u.MaxLength}, nil
}

func loadCodec(keysFile string) (*codec.Codec, error) {
	c, err := codec.Load(keysFile)
	if err != nil {
		return nil, fmt.Errorf("temporal.codec.keys_file: %w", err)
	}
	return c, nil
}

// EmailSearch is how incidents store the person's email in the Email search attribute:
// in clear, or with temporal.codec.keys_file set as keyed hashes under its keys.
func (e *Env) EmailSearch() (codec.EmailSearch, error) {
	if e.Config.Temporal.Codec.KeysFile == "" {
		return codec.EmailSearch{}, nil
	}
	c, err := loadCodec(e.Config.Temporal.Codec.KeysFile)
	if err != nil {
		return codec.EmailSearch{}, err
	}
	return c.EmailSearch(), nil
}

// IncidentStarter starts incidents on c, with the Email search attribute of the config.
func (e *Env) IncidentStarter(c client.Client) (workflows.IncidentStarter, error) {
	emails, err := e.EmailSearch()
	if err != nil {
		return workflows.IncidentStarter{}, err
	}
	return workflows.IncidentStarter{Client: c, Namespace: e.Config.Temporal.Namespace, TaskQueue: e.Config.Temporal.TaskQueue,
		EmailSearch: emails.Value}, nil
}

// Worker builds the worker of the config's task queue: every workflow, the activities, and
// the interceptors: the activities' (the redaction boundary) and the incidents' logging and
// metrics (workflows.Interceptor); with the config's concurrency.
func (e *Env) Worker(c client.Client, acts *activities.Activities) worker.Worker {
	opts := WorkerOptions(e.Config.Worker)
	opts.Interceptors = Interceptors(acts)
	w := worker.New(c, e.Config.Temporal.TaskQueue, opts)
	workflows.Register(w)
	w.RegisterActivity(acts)
	return w
}

// WorkerOptions are the SDK worker options of the config's worker section.
func WorkerOptions(w config.Worker) worker.Options {
	return worker.Options{
		MaxConcurrentActivityExecutionSize:      w.MaxConcurrentActivities,
		MaxConcurrentLocalActivityExecutionSize: w.MaxConcurrentLocalActivities,
		MaxConcurrentWorkflowTaskExecutionSize:  w.MaxConcurrentWorkflowTasks,
		MaxConcurrentWorkflowTaskPollers:        w.WorkflowTaskPollers,
		MaxConcurrentActivityTaskPollers:        w.ActivityTaskPollers,
		WorkerActivitiesPerSecond:               w.ActivitiesPerSecond,
	}
}

// Activities builds the worker's activities over the env and a Temporal client.
func (e *Env) Activities(c client.Client) (*activities.Activities, error) {
	targets, err := e.Targets()
	if err != nil {
		return nil, err
	}
	mail, err := e.Mail()
	if err != nil {
		return nil, err
	}
	orgs, err := e.OktaOrgs(context.Background())
	if err != nil {
		return nil, err
	}
	names, err := e.UniqueNames()
	if err != nil {
		return nil, err
	}
	starter, err := e.IncidentStarter(c)
	if err != nil {
		return nil, err
	}
	e.addSourceSecrets()
	return &activities.Activities{
		UniqueNames: names,
		Redactor:    e.Secrets(),
		Mail:        mail,
		Activation:  e.Activation(),
		Config:      e.Config,
		Store:       e.Store,
		Targets:     targets,
		Okta:        orgs,
		Starter:     starter,
		EmailSearch: starter.EmailSearch,
		Planner:     e.Planner(),
	}, nil
}

// Interceptors are every worker interceptor of the activities: the tests' workers take
// them too.
func Interceptors(acts *activities.Activities) []interceptor.WorkerInterceptor {
	return append(activities.Interceptors(acts), workflows.Interceptor())
}
