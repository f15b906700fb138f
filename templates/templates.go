// Package templates holds ILM's stock mail templates, embedded so that a fresh install sends
// mail without copying them. An operator who wants other wording copies this directory's
// *.tmpl files, edits them and names the copy in provisioning.templates_dir; see
// connectors/mail for the data each template receives.
package templates

import "embed"

// Stock is the stock templates, by file name.
//
//go:embed *.tmpl
var Stock embed.FS
