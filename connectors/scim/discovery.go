package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/connectors"
)

// What the app supports is read from its discovery endpoints (RFC 7644 §4) before the first
// write, and again an hour later: /ServiceProviderConfig (PATCH or PUT, under
// update_method auto), /ResourceTypes (the schema extensions of the User resource type) and
// /Schemas (the attributes of each schema). A mapped attribute the app does not declare is
// not sent: a spec-conformant app drops it from a create and refuses a PATCH path to it
// (400 invalidPath), which would fail every update. The result of each write names what was
// left out. An app without /ResourceTypes or /Schemas gets every mapped attribute, as before
// discovery, and the result says they went unchecked.

// discoveryTTL is how long what was discovered is trusted. A write the app refuses as
// naming an undeclared attribute (400 invalidPath or invalidValue) rediscovers at once.
const discoveryTTL = time.Hour

// commonAttributes are in every resource without being in its schema (RFC 7643 §3.1).
var commonAttributes = map[string]bool{"id": true, "externalid": true, "meta": true}

// capabilities is what the app said it supports. URNs and names are lower-cased: SCIM
// compares them ignoring case.
type capabilities struct {
	patch bool
	// core is the User resource type's schema URN.
	core string
	// extensions are the User resource type's schema extensions; nil when the app has no
	// /ResourceTypes.
	extensions map[string]bool
	// schemas are, by schema URN, its attributes and their sub-attributes; nil when the
	// app has no /Schemas.
	schemas map[string]map[string]map[string]bool
	// unchecked says which discovery endpoints the app lacks.
	unchecked []string
	at        time.Time
}

// resourceTypeDoc and schemaDoc are the parts of RFC 7643 §6 and §7 documents used here.
type resourceTypeDoc struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Endpoint         string `json:"endpoint"`
	Schema           string `json:"schema"`
	SchemaExtensions []struct {
		Schema string `json:"schema"`
	} `json:"schemaExtensions"`
}

type schemaDoc struct {
	ID         string `json:"id"`
	Attributes []struct {
		Name          string `json:"name"`
		SubAttributes []struct {
			Name string `json:"name"`
		} `json:"subAttributes"`
	} `json:"attributes"`
}

// capabilities returns what the app supports: as discovered before when that is recent
// and refresh is false, else discovered now. A failed rediscovery keeps what was known.
func (c *Client) capabilities(ctx context.Context, refresh bool) (*capabilities, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.caps != nil && !refresh && c.now().Sub(c.caps.at) < discoveryTTL {
		return c.caps, nil
	}
	caps, err := c.discover(ctx)
	if err != nil {
		if c.caps != nil {
			return c.caps, nil
		}
		return nil, err
	}
	c.caps = caps
	return caps, nil
}

func (c *Client) discover(ctx context.Context) (*capabilities, error) {
	caps := &capabilities{core: strings.ToLower(schemaUser), at: c.now()}
	switch c.cfg.UpdateMethod {
	case UpdatePatch:
		caps.patch = true
	case UpdateAuto:
		var err error
		if caps.patch, err = c.patchSupported(ctx); err != nil {
			return nil, err
		}
	}
	var types []resourceTypeDoc
	switch err := c.list(ctx, "/ResourceTypes", &types); {
	case missingEndpoint(err):
		caps.unchecked = append(caps.unchecked, fmt.Sprintf("%s has no /ResourceTypes (%s): schema extensions are sent unchecked", c.cfg.Instance, answered(err)))
	case err != nil:
		return nil, err
	default:
		caps.extensions = map[string]bool{}
		for _, t := range types {
			if !strings.EqualFold(t.Name, "User") && !strings.EqualFold(t.ID, "User") && !strings.EqualFold(t.Endpoint, "/Users") {
				continue
			}
			if t.Schema != "" {
				caps.core = strings.ToLower(t.Schema)
			}
			for _, e := range t.SchemaExtensions {
				caps.extensions[strings.ToLower(e.Schema)] = true
			}
		}
	}
	var schemas []schemaDoc
	switch err := c.list(ctx, "/Schemas", &schemas); {
	case missingEndpoint(err):
		caps.unchecked = append(caps.unchecked, fmt.Sprintf("%s has no /Schemas (%s): attributes are sent unchecked", c.cfg.Instance, answered(err)))
	case err != nil:
		return nil, err
	default:
		caps.schemas = map[string]map[string]map[string]bool{}
		for _, s := range schemas {
			attrs := map[string]map[string]bool{}
			for _, a := range s.Attributes {
				subs := map[string]bool{}
				for _, sub := range a.SubAttributes {
					subs[strings.ToLower(sub.Name)] = true
				}
				attrs[strings.ToLower(a.Name)] = subs
			}
			caps.schemas[strings.ToLower(s.ID)] = attrs
		}
	}
	return caps, nil
}

// patchSupported reads patch.supported from the ServiceProviderConfig (Slack's v1 name
// /ServiceProviderConfigs too).
func (c *Client) patchSupported(ctx context.Context) (bool, error) {
	var spc struct {
		Patch struct {
			Supported bool `json:"supported"`
		} `json:"patch"`
	}
	err := c.do(ctx, http.MethodGet, "/ServiceProviderConfig", nil, &spc)
	if errors.Is(err, connectors.ErrNotFound) && c.cfg.Vendor == VendorSlack {
		err = c.do(ctx, http.MethodGet, "/ServiceProviderConfigs", nil, &spc)
	}
	return spc.Patch.Supported, err
}

// list reads a discovery endpoint's resources: a ListResponse, or a bare array as some
// apps answer.
func (c *Client) list(ctx context.Context, path string, out any) error {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, path, nil, &raw); err != nil {
		return err
	}
	if trimmed := strings.TrimSpace(string(raw)); strings.HasPrefix(trimmed, "{") {
		var lr struct {
			Resources json.RawMessage `json:"Resources"`
		}
		if err := json.Unmarshal(raw, &lr); err != nil || lr.Resources == nil {
			return connectors.Invalid("GET %s: the answer is not a ListResponse", path)
		}
		raw = lr.Resources
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return connectors.Invalid("GET %s: the answer is not a list of resources: %v", path, err)
	}
	return nil
}

// missingEndpoint says whether a discovery request failed because the app does not serve
// that endpoint (404, 501, another 4xx, an answer that is not SCIM), rather than because it
// is unreachable or busy, or the token is refused, which fail the write as any call would.
func missingEndpoint(err error) bool {
	var coded *connectors.CodedError
	if !errors.As(err, &coded) {
		return false
	}
	switch coded.Code {
	case "501":
		return true
	case "401", "403":
		return false
	}
	return errors.Is(err, connectors.ErrNotFound) || errors.Is(err, connectors.ErrInvalid)
}

// answered says how a discovery endpoint failed, by its status alone: the app's words go
// into a warning, and so into the result, which is not redacted.
func answered(err error) string {
	var coded *connectors.CodedError
	if errors.As(err, &coded) && coded.Code != "" {
		return "it answers " + coded.Code
	}
	return "its answer is not a SCIM list"
}

// declared says whether the app declares the attribute a mapper key names, and if not, why.
// Only what the app positively lacks is undeclared: a schema /Schemas does not describe is
// taken as it comes.
func (caps *capabilities) declared(key string) (bool, string) {
	named, attr := splitPath(key)
	if key == keyEmail {
		attr = "emails"
	}
	urn, attr := strings.ToLower(named), strings.ToLower(attr)
	if urn == "" {
		urn = caps.core
	}
	if urn != caps.core {
		if caps.extensions != nil && !caps.extensions[urn] {
			return false, "its User resource type declares no schema extension " + named
		}
		if caps.extensions == nil && caps.schemas != nil && caps.schemas[urn] == nil {
			return false, "its /Schemas has no schema " + named
		}
	}
	top, sub, _ := strings.Cut(attr, ".")
	schema := caps.schemas[urn]
	if commonAttributes[top] || schema == nil {
		return true, ""
	}
	subs, ok := schema[top]
	if !ok {
		return false, fmt.Sprintf("its %s declares no attribute %s", schemaName(named), top)
	}
	if sub != "" && len(subs) > 0 && !subs[sub] {
		return false, fmt.Sprintf("attribute %s of its %s has no sub-attribute %s", top, schemaName(named), sub)
	}
	return true, ""
}

// schemaName names the schema of a key: its URN, else the User resource type's core
// schema. Warnings name only what the mapper says, never what the app answered, which
// could echo the token: results are not redacted.
func schemaName(named string) string {
	if named != "" {
		return "schema " + named
	}
	return "User schema"
}

// sendable is d without the attributes the app does not declare, and the warnings that
// name them, after those on discovery endpoints the app lacks. userName is always sent:
// without it there is no user.
func (caps *capabilities) sendable(instance string, d desired) (desired, []string) {
	out := desired{}
	warnings := append([]string(nil), caps.unchecked...)
	for _, k := range sortedKeys(d) {
		if ok, why := caps.declared(k); ok || k == keyUser {
			out[k] = d[k]
		} else {
			warnings = append(warnings, fmt.Sprintf("%s is not sent to %s: %s", k, instance, why))
		}
	}
	return out, warnings
}

// withDeclared runs send with the attributes of d the app declares. When the app refuses
// the write as naming something it does not declare (400 invalidPath or invalidValue),
// what it supports is discovered again and, if that changes what is sent, send runs once
// more. The warnings are those of the last send.
func (c *Client) withDeclared(ctx context.Context, d desired, send func(desired, *capabilities) error) ([]string, error) {
	caps, err := c.capabilities(ctx, false)
	if err != nil {
		return nil, err
	}
	sent, warnings := caps.sendable(c.cfg.Instance, d)
	err = send(sent, caps)
	if !refusesUndeclared(err) {
		return warnings, err
	}
	fresh, derr := c.capabilities(ctx, true)
	if derr != nil || fresh == caps {
		return warnings, err
	}
	again, warnings := fresh.sendable(c.cfg.Instance, d)
	if sameKeys(again, sent) && fresh.patch == caps.patch {
		return warnings, err
	}
	return warnings, send(again, fresh)
}

// refusesUndeclared says whether the app refused a write with a scimType that an
// undeclared attribute or path earns.
func refusesUndeclared(err error) bool {
	var refusal *scimTypeError
	return errors.As(err, &refusal) && (refusal.scimType == "invalidPath" || refusal.scimType == "invalidValue")
}

func sameKeys(a, b desired) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}
