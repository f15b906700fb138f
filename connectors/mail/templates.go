package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/templates"
)

// Template files, one per mail. Each defines a "subject" (folded to one line) and a "body"
// (plain text) from the data struct of the same name below.
const (
	TemporaryPasswordFile   = "temporary-password.tmpl"
	ProvisioningFailureFile = "provisioning-failure.tmpl"
	WelcomeFile             = "welcome.tmpl"
	// TargetPausedFile is optional in an operator's templates_dir: the stock one stands in.
	TargetPausedFile = "target-paused.tmpl"
)

// TemporaryPassword is the data of the mail that gives the service desk a temporary password.
type TemporaryPassword struct {
	Name, Username, Email, EmployeeID string
	// Instance is the AD connector instance the account lives in.
	Instance string
	Password string
	// MustChange says the person must pick a new password at first logon.
	MustChange bool
}

// ProvisioningFailure is the data of the mail that tells IT a provisioning step failed.
type ProvisioningFailure struct {
	Name, EmployeeID string
	// Incident is the workflow type (NewHire, Termination, …), Instance the failing target
	// instance, Action the operation (create, update, disable, enable).
	Incident, Instance, Action string
	Error                      string
	WorkflowID                 string
	// WorkflowURL opens the workflow in the Temporal Web UI.
	WorkflowURL string
}

// TargetPaused is the data of the mail that tells IT a target was paused: its Calls in the
// last Window, of which Failures failed, the last failing Action and its Error, and how
// often a probe is let through (ProbeEvery).
type TargetPaused struct {
	Instance, Action, Error string
	Calls, Failures         int
	Window, ProbeEvery      string
}

// Welcome is the data of the optional mail to a new hire's manager. It never carries a
// password.
type Welcome struct {
	ManagerName, Name, Username, Email string
	StartDate                          string
}

// Templates are the parsed mail templates, the operator's or the stock ones.
type Templates struct {
	byFile map[string]*template.Template
	where  map[string]string // file → how errors name it
}

// LoadTemplates parses the templates from dir, or the stock ones (templates/ at the
// repository root, embedded) when dir is empty, and renders each once with sample data, so a
// mistake shows when the worker starts rather than when a mail is due. Errors name the file.
func LoadTemplates(dir string) (*Templates, error) {
	var fsys fs.FS = templates.Stock
	where := func(name string) string { return "templates/" + name + " (stock)" }
	if dir != "" {
		fsys = os.DirFS(dir)
		where = func(name string) string { return filepath.Join(dir, name) }
	}
	t := &Templates{byFile: map[string]*template.Template{}, where: map[string]string{}}
	samples := map[string]any{
		TemporaryPasswordFile:   TemporaryPassword{Name: "Sam Sample", Username: "ssample", Password: "Sample-1"},
		ProvisioningFailureFile: ProvisioningFailure{Name: "Sam Sample", Instance: "ad", Error: "sample"},
		WelcomeFile:             Welcome{Name: "Sam Sample", Username: "ssample"},
		TargetPausedFile:        TargetPaused{Instance: "ad", Action: "create", Error: "sample"},
	}
	for _, name := range []string{TemporaryPasswordFile, ProvisioningFailureFile, WelcomeFile, TargetPausedFile} {
		t.where[name] = where(name)
		data, err := fs.ReadFile(fsys, name)
		if name == TargetPausedFile && errors.Is(err, fs.ErrNotExist) {
			// Templates copied before this mail existed go on working.
			t.where[name] = "templates/" + name + " (stock)"
			data, err = fs.ReadFile(templates.Stock, name)
		}
		if err != nil {
			return nil, fmt.Errorf("mail template %s: %w", t.where[name], err)
		}
		tmpl, err := template.New(name).Option("missingkey=error").Parse(string(data))
		if err != nil {
			return nil, fmt.Errorf("mail template %s: %w", t.where[name], err)
		}
		for _, part := range []string{"subject", "body"} {
			if tmpl.Lookup(part) == nil {
				return nil, fmt.Errorf("mail template %s: no {{define %q}}", t.where[name], part)
			}
		}
		t.byFile[name] = tmpl
		if _, err := t.render(name, samples[name]); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// RenderTemporaryPassword renders the service desk's mail; the message's Secrets hold the
// password, so Send keeps it out of errors. The caller sets To.
func (t *Templates) RenderTemporaryPassword(d TemporaryPassword) (Message, error) {
	m, err := t.render(TemporaryPasswordFile, d)
	if err != nil {
		return Message{}, connectors.Invalid("%s", redact(err.Error(), d.Password))
	}
	m.Secrets = []string{d.Password}
	return m, nil
}

// RenderProvisioningFailure renders IT's failure mail. The caller sets To.
func (t *Templates) RenderProvisioningFailure(d ProvisioningFailure) (Message, error) {
	return t.render(ProvisioningFailureFile, d)
}

// RenderTargetPaused renders IT's mail about a paused target. The caller sets To.
func (t *Templates) RenderTargetPaused(d TargetPaused) (Message, error) {
	return t.render(TargetPausedFile, d)
}

// RenderWelcome renders the manager's welcome mail. The caller sets To.
func (t *Templates) RenderWelcome(d Welcome) (Message, error) {
	return t.render(WelcomeFile, d)
}

func (t *Templates) render(name string, data any) (Message, error) {
	var subject, body bytes.Buffer
	tmpl := t.byFile[name]
	if err := tmpl.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Message{}, connectors.Invalid("mail template %s: %v", t.where[name], err)
	}
	if err := tmpl.ExecuteTemplate(&body, "body", data); err != nil {
		return Message{}, connectors.Invalid("mail template %s: %v", t.where[name], err)
	}
	// One line: a name with a line break must not start a new header.
	return Message{Subject: strings.Join(strings.Fields(subject.String()), " "), Body: body.String()}, nil
}
