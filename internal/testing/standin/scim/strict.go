package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"
)

// Strict mode (Config.Strict): real service providers refuse attributes their schemas do not
// declare, where the library drops them from POST and PUT bodies and from the complex values
// of PATCH operations. checkDeclared runs before the library and refuses them, naming the
// attribute; what it lets through the library validates as usual.

// declared is what a resource type declares: its core schema (externalId included) and its
// schema extensions.
type declared struct {
	typ        string
	core       schema.Schema
	extensions []schema.Schema
}

// resourceType returns the resource type rest (the path below the base) writes to, if the
// method writes one: POST to a collection, PUT or PATCH to a resource.
func resourceType(method, rest string, enterprise bool) (declared, bool) {
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	write := method == http.MethodPost && len(parts) == 1 ||
		(method == http.MethodPut || method == http.MethodPatch) && len(parts) == 2 && parts[1] != ".search"
	if !write {
		return declared{}, false
	}
	switch parts[0] {
	case "Users":
		d := declared{typ: "User", core: userSchema}
		if enterprise {
			d.extensions = []schema.Schema{enterpriseSchema}
		}
		return d, true
	case "Groups":
		return declared{typ: "Group", core: groupSchema}, true
	}
	return declared{}, false
}

// checkDeclared refuses a write whose body names what the resource type does not declare.
// A body that is not JSON is left to the library, which answers invalidSyntax.
func checkDeclared(method, rest string, body []byte, enterprise bool) *scimerrors.ScimError {
	d, ok := resourceType(method, rest, enterprise)
	if !ok {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if method == http.MethodPatch {
		var req struct {
			Operations []struct {
				Path  string
				Value any
			}
		}
		if dec.Decode(&req) != nil {
			return nil
		}
		for _, op := range req.Operations {
			if err := d.checkOperation(op.Path, op.Value); err != nil {
				return err
			}
		}
		return nil
	}
	var res map[string]any
	if dec.Decode(&res) != nil {
		return nil
	}
	return d.checkResource(res)
}

// checkResource checks a POST or PUT body.
func (d declared) checkResource(res map[string]any) *scimerrors.ScimError {
	for k, v := range res {
		switch {
		case strings.EqualFold(k, "schemas"):
			list, _ := v.([]any)
			for _, urn := range list {
				if s, _ := urn.(string); !strings.EqualFold(s, d.core.ID) && d.extension(s) == nil {
					return invalidValue("schemas lists %q, which this service provider does not declare for %ss", urn, d.typ)
				}
			}
		case strings.EqualFold(k, "id"), strings.EqualFold(k, "meta"):
		default:
			if err := d.checkValue(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkValue checks one attribute of a body or a PATCH value without a path: key is an
// attribute, a sub-attribute path (name.givenName), an extension attribute
// (urn:…:User:department) or an extension's URN holding its attributes.
func (d declared) checkValue(key string, v any) *scimerrors.ScimError {
	if ext := d.extension(key); ext != nil {
		m, ok := v.(map[string]any)
		if !ok {
			return invalidValue("%s must be an object of its attributes", key)
		}
		for k, x := range m {
			if err := checkAttribute(ext.Attributes, key+":"+k, k, x); err != nil {
				return err
			}
		}
		return nil
	}
	p, err := filter.ParsePath([]byte(key))
	if err != nil {
		return invalidValue("%q is not an attribute path", key)
	}
	attrs, name, ok := d.attributes(p.AttributePath)
	if !ok {
		return invalidValue("attribute %q is not in the schemas this service provider declares for %ss", key, d.typ)
	}
	if sub := p.AttributePath.SubAttributeName(); sub != "" {
		attr, _ := attrs.ContainsAttribute(name)
		if _, ok := attr.SubAttributes().ContainsAttribute(sub); !ok {
			return invalidValue("attribute %q is not in the schemas this service provider declares for %ss", key, d.typ)
		}
		return nil
	}
	return checkAttribute(attrs, key, name, v)
}

// checkOperation checks a PATCH operation's path and value.
func (d declared) checkOperation(path string, value any) *scimerrors.ScimError {
	if path == "" {
		m, _ := value.(map[string]any)
		for k, v := range m {
			if strings.EqualFold(k, "id") {
				continue // Okta sends the group's id along (stand-ins.md §4.1)
			}
			if err := d.checkValue(k, v); err != nil {
				return err
			}
		}
		return nil
	}
	p, err := filter.ParsePath([]byte(path))
	if err != nil {
		return nil // the library answers invalidPath
	}
	undeclared := &scimerrors.ScimError{ScimType: scimerrors.ScimTypeInvalidPath, Status: http.StatusBadRequest,
		Detail: fmt.Sprintf("path %q names an attribute this service provider does not declare for %ss", path, d.typ)}
	attrs, name, ok := d.attributes(p.AttributePath)
	if !ok {
		return undeclared
	}
	attr, _ := attrs.ContainsAttribute(name)
	sub := p.AttributePath.SubAttributeName()
	if p.ValueExpression != nil {
		sub = p.SubAttributeName()
	}
	if sub != "" {
		if _, ok := attr.SubAttributes().ContainsAttribute(sub); !ok {
			return undeclared
		}
		return nil
	}
	if p.ValueExpression != nil {
		return checkComplex(attr, path, value) // one element of a multi-valued attribute
	}
	return checkAttribute(attrs, path, name, value)
}

// attributes returns the attributes of the schema an attribute path is in, and the
// attribute's name; ok is false when the schema or the attribute is not declared.
func (d declared) attributes(p filter.AttributePath) (schema.Attributes, string, bool) {
	attrs := d.core.Attributes
	if uri := p.URI(); uri != "" && !strings.EqualFold(uri, d.core.ID) {
		ext := d.extension(uri)
		if ext == nil {
			return nil, "", false
		}
		attrs = ext.Attributes
	}
	_, ok := attrs.ContainsAttribute(p.AttributeName)
	return attrs, p.AttributeName, ok
}

func (d declared) extension(urn string) *schema.Schema {
	for i, e := range d.extensions {
		if strings.EqualFold(e.ID, urn) {
			return &d.extensions[i]
		}
	}
	return nil
}

// checkAttribute checks that name is one of attrs and that its value holds only declared
// sub-attributes; key names it in the error.
func checkAttribute(attrs schema.Attributes, key, name string, v any) *scimerrors.ScimError {
	attr, ok := attrs.ContainsAttribute(name)
	if !ok {
		return invalidValue("attribute %q is not in the schemas this service provider declares", key)
	}
	if !attr.HasSubAttributes() {
		return nil
	}
	if list, ok := v.([]any); ok && attr.MultiValued() {
		for _, e := range list {
			if err := checkComplex(attr, key, e); err != nil {
				return err
			}
		}
		return nil
	}
	return checkComplex(attr, key, v)
}

// checkComplex checks that a complex value holds only sub-attributes attr declares.
func checkComplex(attr schema.CoreAttribute, key string, v any) *scimerrors.ScimError {
	m, _ := v.(map[string]any)
	for k := range m {
		if _, ok := attr.SubAttributes().ContainsAttribute(k); !ok {
			return invalidValue("attribute %q is not in the schemas this service provider declares", key+"."+k)
		}
	}
	return nil
}

func invalidValue(format string, args ...any) *scimerrors.ScimError {
	return &scimerrors.ScimError{ScimType: scimerrors.ScimTypeInvalidValue, Status: http.StatusBadRequest,
		Detail: fmt.Sprintf(format, args...)}
}
