// Package config reads ILM's YAML configuration file, typed per connector instance type and
// validated at start with errors that name the offending key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration file.
type Config struct {
	// Store is the store's DSN (sqlite:FILE or postgres://…, no password); StoreEnv names an
	// environment variable that holds it instead, for a DSN with a password.
	Store        string       `yaml:"store"`
	StoreEnv     string       `yaml:"store_env"`
	Temporal     Temporal     `yaml:"temporal"`
	Instances    []Instance   `yaml:"instances"`
	Provisioning Provisioning `yaml:"provisioning"`
	SMTP         SMTP         `yaml:"smtp"`
	// Worker is the worker process: its concurrency (config/worker.go) and metrics.
	Worker Worker `yaml:"worker"`
	Log    Log    `yaml:"log"`

	// Dir is the directory of the file; relative paths in the file are relative to it.
	Dir string `yaml:"-"`
}

// Temporal says where the Temporal frontend is and which task queue the worker serves.
type Temporal struct {
	Address   string `yaml:"address"`
	Namespace string `yaml:"namespace"`
	TaskQueue string `yaml:"task_queue"`
	// UIURL is the Web UI base address used in notification links.
	UIURL string `yaml:"ui_url"`
	Codec Codec  `yaml:"codec"`
	// TLS is the connection's TLS (config/temporal.go); any key set turns it on.
	TLS TemporalTLS `yaml:"tls"`
	// APIKeyEnv names the environment variable holding a Temporal Cloud API key, sent as
	// `authorization: Bearer …` on every call (over TLS, always).
	APIKeyEnv string `yaml:"api_key_env"`
}

// Codec is the payload encryption of every Temporal client ILM makes (internal/codec).
type Codec struct {
	// KeysFile holds the AES-256 keys, one `KEYID BASE64KEY` a line; the first encrypts.
	// Empty: payloads go to Temporal in clear, and the worker warns at every start.
	KeysFile string `yaml:"keys_file"`
}

// Provisioning holds the playbook inputs of SPEC §1.
type Provisioning struct {
	Targets             Targets `yaml:"targets"`
	ITNotificationEmail string  `yaml:"it_notification_email"`
	ServiceDeskEmail    string  `yaml:"service_desk_email"`
	Review              Review  `yaml:"review"`
	// Password is the policy of temporary passwords (config/password.go).
	Password PasswordPolicy `yaml:"password"`
	// TemplatesDir holds the operator's mail templates; empty means the stock ones in
	// templates/ (embedded in the binaries).
	TemplatesDir string `yaml:"templates_dir"`
	// WelcomeManager mails the new hire's manager (manageremailaddress) when the AD account
	// is activated. The mail never carries the password.
	WelcomeManager bool `yaml:"welcome_manager"`
	// UniqueNames chooses and reserves new hires' account names (config/uniquenames.go).
	UniqueNames UniqueNames `yaml:"unique_names"`
}

// Targets names, per operation, the connector instances it runs on.
type Targets struct {
	Create  []string `yaml:"create"`
	Update  []string `yaml:"update"`
	Disable []string `yaml:"disable"`
}

// Instance is one named connector instance. Exactly one of the typed pointers is set,
// according to Type.
type Instance struct {
	Name            string
	Type            string
	Workday         *Workday
	ActiveDirectory *ActiveDirectory
	Okta            *Okta
	SCIM            *SCIM
	ServiceNow      *ServiceNow
}

// Instance types.
const (
	TypeWorkday         = "workday"
	TypeActiveDirectory = "active_directory"
	TypeOkta            = "okta"
	TypeSCIM            = "scim"
	TypeServiceNow      = "servicenow"
)

// Load reads, decodes and validates the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.Dir = abs
	cfg.resolvePaths()
	return cfg, nil
}

// resolvePaths makes the file's relative paths relative to its directory, so that the
// config works from any working directory.
func (c *Config) resolvePaths() {
	// A SQLite file is a path like any other: without this, `store: sqlite:ilm.db` would
	// open (and create, empty) ilm.db in whatever directory the command runs from.
	if rest, ok := strings.CutPrefix(c.Store, "sqlite:"); ok {
		if rest = strings.TrimPrefix(rest, "//"); rest != ":memory:" {
			c.Store = "sqlite:" + c.Path(rest)
		}
	}
	c.SMTP.resolvePaths(c)
	c.Temporal.Codec.KeysFile = c.Path(c.Temporal.Codec.KeysFile)
	c.Temporal.TLS.resolvePaths(c)
	c.Provisioning.TemplatesDir = c.Path(c.Provisioning.TemplatesDir)
	c.Provisioning.UniqueNames.Mapper = c.Path(c.Provisioning.UniqueNames.Mapper)
	for _, in := range c.Instances {
		if w := in.Workday; w != nil {
			w.Mapper = c.Path(w.Mapper)
			w.UsernameFile = c.Path(w.UsernameFile)
			w.PasswordFile = c.Path(w.PasswordFile)
			if rest, ok := strings.CutPrefix(w.ReportURL, "file:"); ok {
				w.ReportURL = "file:" + c.Path(rest)
			}
		}
		if a := in.ActiveDirectory; a != nil {
			a.Mapper = c.Path(a.Mapper)
			a.CAFile = c.Path(a.CAFile)
			a.BindPasswordFile = c.Path(a.BindPasswordFile)
		}
		if o := in.Okta; o != nil {
			o.Mapper = c.Path(o.Mapper)
			o.IncomingMapper = c.Path(o.IncomingMapper)
			o.TokenFile = c.Path(o.TokenFile)
			o.CAFile = c.Path(o.CAFile)
		}
		if sc := in.SCIM; sc != nil {
			sc.Mapper, sc.TokenFile, sc.CAFile = c.Path(sc.Mapper), c.Path(sc.TokenFile), c.Path(sc.CAFile)
		}
		if sn := in.ServiceNow; sn != nil {
			sn.Mapper, sn.CAFile = c.Path(sn.Mapper), c.Path(sn.CAFile)
			sn.UsernameFile, sn.PasswordFile, sn.TokenFile = c.Path(sn.UsernameFile), c.Path(sn.PasswordFile), c.Path(sn.TokenFile)
		}
	}
}

// Parse decodes and validates a configuration document. Unknown keys are errors.
func Parse(data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 {
		return nil, errors.New("empty configuration")
	}
	doc := root.Content[0]
	if err := checkKeys(doc, "", Config{}); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return nil, err
	}
	cfg.applyDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func (c *Config) applyDefaults() {
	if c.Store == "" && c.StoreEnv == "" {
		c.Store = "sqlite:ilm.db"
	}
	if c.Temporal.Address == "" {
		c.Temporal.Address = "localhost:7233"
	}
	if c.Temporal.Namespace == "" {
		c.Temporal.Namespace = "default"
	}
	if c.Temporal.TaskQueue == "" {
		c.Temporal.TaskQueue = "ilm"
	}
	if c.Temporal.UIURL == "" {
		c.Temporal.UIURL = "http://localhost:8233"
	}
	if c.Provisioning.Review.Method == "" {
		c.Provisioning.Review.Method = "random"
	}
	c.SMTP.applyDefaults()
	c.Log.applyDefaults()
	c.Worker.applyDefaults()
	c.Provisioning.Password.applyDefaults()
	c.Provisioning.UniqueNames.applyDefaults()
	for i := range c.Instances {
		if t := c.Instances[i].Target(); t != nil {
			t.applyDefaults()
		}
		if w := c.Instances[i].Workday; w != nil {
			w.applyDefaults()
		}
		if a := c.Instances[i].ActiveDirectory; a != nil {
			a.applyDefaults()
		}
		if o := c.Instances[i].Okta; o != nil {
			o.applyDefaults()
		}
		if sc := c.Instances[i].SCIM; sc != nil {
			sc.applyDefaults()
		}
		if sn := c.Instances[i].ServiceNow; sn != nil {
			sn.applyDefaults()
		}
	}
}

func (c *Config) validate() error {
	errs := c.validateStore()
	errs = append(errs, c.Temporal.validate()...)
	seen := map[string]bool{}
	for i, in := range c.Instances {
		key := fmt.Sprintf("instances[%d]", i)
		if in.Name == "" {
			errs = append(errs, fmt.Errorf("%s.name: required", key))
		} else if seen[in.Name] {
			errs = append(errs, fmt.Errorf("%s.name: duplicate instance name %q", key, in.Name))
		}
		seen[in.Name] = true
		if in.Workday != nil {
			errs = append(errs, in.Workday.validate(key)...)
		}
		if in.ActiveDirectory != nil {
			errs = append(errs, in.ActiveDirectory.validate(key)...)
		}
		if in.Okta != nil {
			errs = append(errs, in.Okta.validate(key)...)
		}
		if in.SCIM != nil {
			errs = append(errs, in.SCIM.validate(key)...)
		}
		if in.ServiceNow != nil {
			errs = append(errs, in.ServiceNow.validate(key)...)
		}
		if t := in.Target(); t != nil {
			errs = append(errs, t.validate(key)...)
			errs = append(errs, c.validateScope(key, in.Name, t)...)
		}
	}
	t := c.Provisioning.Targets
	for _, op := range []struct {
		key   string
		names []string
	}{{"create", t.Create}, {"update", t.Update}, {"disable", t.Disable}} {
		for j, name := range op.names {
			in, ok := c.Instance(name)
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("provisioning.targets.%s[%d]: no instance named %q", op.key, j, name))
			case in.Type == TypeWorkday:
				errs = append(errs, fmt.Errorf("provisioning.targets.%s[%d]: %q is a workday source, not a target", op.key, j, name))
			}
		}
	}
	errs = append(errs, c.Provisioning.Review.validate()...)
	errs = append(errs, c.SMTP.validate()...)
	errs = append(errs, c.Provisioning.Password.validate()...)
	errs = append(errs, c.Provisioning.UniqueNames.validate()...)
	errs = append(errs, c.Worker.validate()...)
	errs = append(errs, c.Log.validate()...)
	return errors.Join(errs...)
}

// validateScope compiles a target instance's scope, and checks that a scoped instance is a
// provisioning target, and one that disables when on_scope_exit says so: a scope nothing
// reads, or a disable that no operation list allows, is a mistake to say at load.
func (c *Config) validateScope(key, name string, t *TargetSettings) []error {
	if err := t.compileScope(key, name); err != nil {
		return []error{err}
	}
	if t.Scope == "" {
		return nil
	}
	p := c.Provisioning.Targets
	if !slices.Contains(p.Create, name) && !slices.Contains(p.Update, name) && !slices.Contains(p.Disable, name) {
		return []error{fmt.Errorf("%s.scope: instance %q is in none of provisioning.targets.create/update/disable, so its scope would decide nothing", key, name)}
	}
	if t.OnScopeExit == ScopeExitDisable && !slices.Contains(p.Disable, name) {
		return []error{fmt.Errorf("%s.on_scope_exit: disable (the default with a scope) needs %q in provisioning.targets.disable; list it there or set on_scope_exit: keep", key, name)}
	}
	return nil
}

// Instance returns the instance called name.
func (c *Config) Instance(name string) (Instance, bool) {
	for _, in := range c.Instances {
		if in.Name == name {
			return in, true
		}
	}
	return Instance{}, false
}

// WorkdayInstance returns the workday instance called name, or an error that says why not.
func (c *Config) WorkdayInstance(name string) (*Workday, error) {
	in, ok := c.Instance(name)
	if !ok {
		return nil, fmt.Errorf("no instance named %q in the config (have: %s)", name, strings.Join(c.instanceNames(), ", "))
	}
	if in.Workday == nil {
		return nil, fmt.Errorf("instance %q is of type %s, not workday", name, in.Type)
	}
	return in.Workday, nil
}

// WorkdayInstances returns the names of every workday instance, in file order.
func (c *Config) WorkdayInstances() []string {
	var names []string
	for _, in := range c.Instances {
		if in.Workday != nil {
			names = append(names, in.Name)
		}
	}
	return names
}

func (c *Config) instanceNames() []string {
	names := make([]string, 0, len(c.Instances))
	for _, in := range c.Instances {
		names = append(names, in.Name)
	}
	return names
}

// CreatesMissing says whether the target instance creates a missing account on update
// (its create_if_not_exists); false for unknown instances.
func (c *Config) CreatesMissing(instance string) bool {
	in, _ := c.Instance(instance)
	t := in.Target()
	return t != nil && t.CreateIfNotExists
}

// Path resolves a path from the file against the file's directory.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || c.Dir == "" {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// UnmarshalYAML decodes an instance into the struct of its type, rejecting unknown keys.
func (in *Instance) UnmarshalYAML(node *yaml.Node) error {
	var head struct {
		Name string `yaml:"name"`
		Type string `yaml:"type"`
	}
	if err := node.Decode(&head); err != nil {
		return err
	}
	in.Name, in.Type = head.Name, head.Type
	where := fmt.Sprintf("instance %q", head.Name)
	switch head.Type {
	case TypeWorkday:
		in.Workday = &Workday{}
		return decodeStrict(node, where, in.Workday)
	case TypeActiveDirectory:
		in.ActiveDirectory = &ActiveDirectory{}
		return decodeStrict(node, where, in.ActiveDirectory)
	case TypeOkta:
		in.Okta = &Okta{}
		return decodeStrict(node, where, in.Okta)
	case TypeSCIM:
		in.SCIM = &SCIM{}
		return decodeStrict(node, where, in.SCIM)
	case TypeServiceNow:
		in.ServiceNow = &ServiceNow{}
		return decodeStrict(node, where, in.ServiceNow)
	case "":
		return fmt.Errorf("%s (line %d): type: required", where, node.Line)
	default:
		return fmt.Errorf("%s (line %d): type: unknown instance type %q (known: %s, %s, %s, %s, %s)", where, node.Line, head.Type,
			TypeWorkday, TypeActiveDirectory, TypeOkta, TypeSCIM, TypeServiceNow)
	}
}
