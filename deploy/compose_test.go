// Package deploy holds no code: its tests check the deployment files at the repository root
// (docker-compose.yml, Dockerfile) and in this folder, as far as that can be done without a
// container engine: the compose file as the compose loader reads it, the ILM configs it
// mounts as ILM's own config loader reads them, the Dockerfiles line by line.
package deploy

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/config"
)

// The stack's services: long-running ones and one-shots, which run once and exit.
var (
	longRunning = []string{"postgres", "temporal", "temporal-ui", "codec", "worker"}
	oneShots    = []string{"temporal-schema", "temporal-namespace", "schedules"}
	labServices = []string{"samba", "mailpit", "okta", "scim"}
)

const configTarget = "/etc/ilm/ilm.yaml"

// loadCompose loads ../docker-compose.yml as `docker compose` would, with the profiles and
// the environment given (and nothing from the environment of the test).
func loadCompose(t *testing.T, profiles []string, env ...string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../docker-compose.yml"},
		cli.WithWorkingDirectory(".."), cli.WithEnv(env), cli.WithProfiles(profiles), cli.WithResolvedPaths(true))
	require.NoError(t, err)
	p, err := opts.LoadProject(context.Background())
	require.NoError(t, err)
	return p
}

func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	return root
}

func TestComposeServices(t *testing.T) {
	p := loadCompose(t, nil)
	assert.ElementsMatch(t, append(append([]string{}, longRunning...), oneShots...), p.ServiceNames())
	assert.ElementsMatch(t, labServices, keys(p.DisabledServices), "the lab is a profile of its own")
}

// Every image is pinned to a version (no latest, no bare name); an image built here is built
// from the repository's Dockerfile.
func TestComposeImagesArePinned(t *testing.T) {
	p := loadCompose(t, []string{"lab"})
	root := repoRoot(t)
	for name, s := range p.Services {
		if s.Build != nil {
			assert.NotEmpty(t, s.Image, "%s: a built image gets a name", name)
			continue
		}
		assert.True(t, pinned(s.Image), "%s: image %q is not pinned to a version", name, s.Image)
	}
	for _, name := range []string{"worker", "codec", "schedules"} {
		s := p.Services[name]
		require.NotNil(t, s.Build, name)
		assert.Equal(t, root, s.Build.Context, "%s is built from the repository", name)
		assert.Equal(t, "Dockerfile", s.Build.Dockerfile, name)
		assert.Equal(t, "runtime", s.Build.Target, name)
		assert.Equal(t, p.Services["worker"].Image, s.Image, "%s runs the worker's image", name)
	}
}

// pinned says whether an image reference names a version: a digest, or a tag with a digit
// that is not "latest".
func pinned(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return false
	}
	tag := ref[i+1:]
	return tag != "latest" && strings.ContainsAny(tag, "0123456789")
}

func TestPinned(t *testing.T) {
	for ref, want := range map[string]bool{
		"postgres:16.10-bookworm": true, "temporalio/ui:2.49.1": true, "localhost:5000/ilm:1.0": true,
		"postgres": false, "postgres:latest": false, "localhost:5000/ilm": false, "alpine:edge": false,
		"ilm@sha256:0123": true,
	} {
		assert.Equal(t, want, pinned(ref), ref)
	}
}

// Long-running services have a health check and restart unless stopped; one-shots retry on
// failure only. Nothing runs Temporal's dev server.
func TestComposeHealthAndRestart(t *testing.T) {
	p := loadCompose(t, []string{"lab"})
	for name, s := range p.Services {
		run := strings.Join(append(append([]string{}, s.Entrypoint...), s.Command...), " ")
		assert.NotContains(t, run, "start-dev", "%s runs the dev server", name)
		if slices.Contains(oneShots, name) {
			assert.Regexp(t, `^on-failure(:\d+)?$`, s.Restart, "%s: a one-shot", name)
			continue
		}
		assert.Contains(t, []string{"unless-stopped", "always"}, s.Restart, "%s: restart", name)
		if assert.NotNil(t, s.HealthCheck, "%s: health check", name) {
			assert.False(t, s.HealthCheck.Disable, name)
			assert.NotEmpty(t, s.HealthCheck.Test, name)
		}
	}
	for dependent, deps := range map[string]map[string]string{
		"temporal":           {"temporal-schema": types.ServiceConditionCompletedSuccessfully},
		"temporal-schema":    {"postgres": types.ServiceConditionHealthy},
		"temporal-namespace": {"temporal": types.ServiceConditionHealthy},
		"worker":             {"postgres": types.ServiceConditionHealthy, "temporal-namespace": types.ServiceConditionCompletedSuccessfully},
		"schedules":          {"worker": types.ServiceConditionHealthy},
	} {
		for dep, cond := range deps {
			assert.Equal(t, cond, p.Services[dependent].DependsOn[dep].Condition, "%s waits for %s", dependent, dep)
		}
	}
	assert.Equal(t, []string{"ilm", "schedules", "apply"}, []string(p.Services["schedules"].Command))
}

// Temporal runs on the stack's PostgreSQL, with its schema set up by the admin tools.
func TestComposeTemporalOnPostgres(t *testing.T) {
	p := loadCompose(t, nil)
	tmp := p.Services["temporal"]
	assert.Regexp(t, `^temporalio/(server|auto-setup):`, tmp.Image)
	assert.Equal(t, "postgres12", env(tmp, "DB"))
	assert.Equal(t, "postgres", env(tmp, "POSTGRES_SEEDS"))
	assert.Contains(t, p.Services["temporal-schema"].Entrypoint, "/deploy/setup-schema.sh")
	script, err := os.ReadFile("temporal/setup-schema.sh")
	require.NoError(t, err)
	assert.Contains(t, string(script), "update-schema")
}

// The Web UI's codec endpoint is the codec service as the browser reaches it: a loopback port
// the codec service publishes, onto the port it listens on, and the codec server lets the UI's
// origin in.
func TestComposeUIDecodesThroughTheCodecService(t *testing.T) {
	p := loadCompose(t, nil)
	ui, codec := p.Services["temporal-ui"], p.Services["codec"]
	endpoint, err := url.Parse(env(ui, "TEMPORAL_CODEC_ENDPOINT"))
	require.NoError(t, err)
	assert.Contains(t, []string{"localhost", "127.0.0.1"}, endpoint.Hostname())
	listen := flagValue(codec.Command, "--listen")
	_, listenPort, err := net.SplitHostPort(listen)
	require.NoError(t, err, "codec --listen %q", listen)
	published := false
	for _, port := range codec.Ports {
		if port.Published == endpoint.Port() {
			published = true
			assert.Equal(t, listenPort, itoa(port.Target), "the published port reaches the codec server")
			assert.Equal(t, "127.0.0.1", port.HostIP, "whoever reaches the codec server can decrypt: loopback only")
		}
	}
	assert.True(t, published, "codec publishes no port %s", endpoint.Port())
	assert.Equal(t, []string{"ilm", "codec-server"}, []string(codec.Command[:2]))

	require.NotEmpty(t, ui.Ports)
	uiOrigin := "http://localhost:" + ui.Ports[0].Published
	assert.Contains(t, strings.Split(flagValue(codec.Command, "--origin"), ","), uiOrigin)
	assert.Equal(t, uiOrigin, env(ui, "TEMPORAL_CORS_ORIGINS"))
}

// Secrets are files: every secret a service mounts is a file under deploy/secrets (which git
// ignores), and no service gets a password, token or key in its environment.
func TestComposeSecretsAreFiles(t *testing.T) {
	p := loadCompose(t, []string{"lab"})
	root := repoRoot(t)
	for name, s := range p.Secrets {
		assert.Equal(t, filepath.Join(root, "deploy", "secrets", name), s.File, "secret %s", name)
	}
	secretish := regexp.MustCompile(`(?i)(PASSWORD|PWD|TOKEN|SECRET|API_KEY)`)
	for name, s := range p.Services {
		for k, v := range s.Environment {
			if secretish.MatchString(k) {
				assert.True(t, strings.HasSuffix(k, "_FILE") && v != nil && strings.HasPrefix(*v, "/run/secrets/"),
					"%s: %s is not a file under /run/secrets", name, k)
			}
		}
		for _, sec := range s.Secrets {
			assert.Contains(t, p.Secrets, sec.Source, "%s mounts an undeclared secret", name)
		}
	}
	ignore, err := os.ReadFile("../.gitignore")
	require.NoError(t, err)
	assert.Contains(t, string(ignore), "/deploy/secrets/")
	assert.Contains(t, p.Services["worker"].Environment, "PGPASSFILE")
	assert.Equal(t, "/run/secrets/ilm_pgpass", *p.Services["worker"].Environment["PGPASSFILE"])
}

// The config the stack mounts into ILM's containers passes ILM's own loader, names the
// stack's services, and every file of it under /run/secrets is a secret the service mounts.
func TestComposeILMConfigLoads(t *testing.T) {
	p := loadCompose(t, nil)
	cfg := mountedConfig(t, p, "worker")
	assert.Equal(t, "temporal:7233", cfg.Temporal.Address)
	assert.Contains(t, p.Services, hostOf(cfg.Temporal.Address))
	u, err := url.Parse(cfg.Store)
	require.NoError(t, err)
	assert.Equal(t, "postgres", u.Hostname(), "the store is the stack's PostgreSQL")
	assert.Empty(t, cfg.Warnings())

	// The worker's health check asks the worker's own /healthz, where the config serves it.
	_, port, err := net.SplitHostPort(cfg.Worker.MetricsListen)
	require.NoError(t, err, "worker.metrics_listen")
	assert.Equal(t, []string{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:" + port + "/healthz"},
		[]string(p.Services["worker"].HealthCheck.Test))
	for _, name := range []string{"worker", "codec", "schedules"} {
		assert.Equal(t, cfg, mountedConfig(t, p, name), "%s gets the same config", name)
		assertSecretMounted(t, p.Services[name], cfg.Temporal.Codec.KeysFile)
	}
}

// The lab profile adds Samba AD, mailpit and the Okta and SCIM stand-ins, in the worker's
// network namespace; its config loads, and what it reads from the lab is mounted.
func TestComposeLab(t *testing.T) {
	p := loadCompose(t, []string{"lab"}, "ILM_CONFIG_FILE=./deploy/lab/ilm.yaml")
	for _, name := range labServices {
		require.Contains(t, p.Services, name)
		assert.Equal(t, "service:worker", p.Services[name].NetworkMode, "%s listens on the worker's loopback", name)
	}
	cfg := mountedConfig(t, p, "worker")
	worker := p.Services["worker"]
	var files []string
	for _, in := range cfg.Instances {
		switch {
		case in.Workday != nil:
			report := strings.TrimPrefix(in.Workday.ReportURL, "file:")
			files = append(files, report)
			src := mountSource(t, worker, report)
			_, err := os.Stat(filepath.Join(src, filepath.Base(report)))
			assert.NoError(t, err, "the lab's report is in the repository")
		case in.ActiveDirectory != nil:
			files = append(files, in.ActiveDirectory.CAFile, in.ActiveDirectory.BindPasswordFile)
		case in.Okta != nil:
			files = append(files, in.Okta.TokenFile)
		case in.SCIM != nil:
			files = append(files, in.SCIM.TokenFile)
		}
	}
	require.Len(t, files, 5)
	for _, f := range files {
		mountSource(t, worker, f)
	}
	assert.Equal(t, "127.0.0.1", cfg.SMTP.Host, "the lab's mailpit")
}

// mountedConfig loads, with ILM's loader, the config file the service mounts at
// /etc/ilm/ilm.yaml.
func mountedConfig(t *testing.T, p *types.Project, service string) *config.Config {
	t.Helper()
	for _, c := range p.Services[service].Configs {
		if c.Target == configTarget {
			file := p.Configs[c.Source].File
			require.NotEmpty(t, file, "%s: config %s is not a file", service, c.Source)
			cfg, err := config.Load(file)
			require.NoError(t, err, "%s: %s", service, file)
			cfg.Dir = ""
			return cfg
		}
	}
	t.Fatalf("%s mounts no config at %s", service, configTarget)
	return nil
}

// assertSecretMounted checks that path is /run/secrets/NAME and the service mounts NAME.
func assertSecretMounted(t *testing.T, s types.ServiceConfig, path string) {
	t.Helper()
	name, ok := strings.CutPrefix(path, "/run/secrets/")
	if assert.True(t, ok, "%s: %s is not a secret", s.Name, path) {
		assert.True(t, slices.ContainsFunc(s.Secrets, func(sec types.ServiceSecretConfig) bool { return sec.Source == name }),
			"%s does not mount the secret %s", s.Name, name)
	}
}

// mountSource returns the source of the service's volume under which path lies.
func mountSource(t *testing.T, s types.ServiceConfig, path string) string {
	t.Helper()
	for _, v := range s.Volumes {
		if strings.HasPrefix(path, v.Target+"/") {
			return v.Source
		}
	}
	t.Errorf("%s: nothing is mounted where %s is", s.Name, path)
	return ""
}

func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

// flagValue returns the word after flag in a command.
func flagValue(cmd []string, flag string) string {
	if i := slices.Index(cmd, flag); i >= 0 && i+1 < len(cmd) {
		return cmd[i+1]
	}
	return ""
}

func hostOf(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	return host
}

func keys(s types.Services) []string {
	var names []string
	for name := range s {
		names = append(names, name)
	}
	return names
}

func itoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }
