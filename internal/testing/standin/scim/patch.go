package scim

import (
	"reflect"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	scimfilter "github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"
)

// The library parses and validates PATCH operations (lower-cased op, typed values,
// multi-valued values wrapped in a slice) but leaves applying them to the handler; this
// file applies them to a stored resource (RFC 7644 §3.5.2).

var (
	userSchema       = withExternalID(schema.CoreUserSchema())
	groupSchema      = withExternalID(schema.CoreGroupSchema())
	enterpriseSchema = schema.ExtensionEnterpriseUser()
)

func withExternalID(s schema.Schema) schema.Schema {
	for _, a := range schema.CommonAttributes() {
		if a.Name() == "externalId" {
			s.Attributes = append(s.Attributes, a)
		}
	}
	return s
}

func applyOp(attrs map[string]any, op scim.PatchOperation, typ string) error {
	sch := groupSchema
	if typ == "User" {
		sch = userSchema
	}
	if op.Path != nil {
		return applyPath(attrs, *op.Path, op.Op, op.Value, sch)
	}
	// No path: the value holds attribute paths (or an extension's URN) and their values,
	// as in Okta's {"op":"replace","value":{"active":false}}.
	values, ok := op.Value.(map[string]any)
	if !ok {
		return scimerrors.ScimErrorInvalidValue
	}
	for k, v := range values {
		if ext, ok := v.(map[string]any); ok && typ == "User" && k == enterpriseSchema.ID {
			for k2, v2 := range ext {
				p, err := filter.ParsePath([]byte(k2))
				if err != nil {
					return scimerrors.ScimErrorInvalidPath
				}
				if err := applyPath(subMap(attrs, k, true), p, op.Op, v2, enterpriseSchema); err != nil {
					return err
				}
			}
			continue
		}
		p, err := filter.ParsePath([]byte(k))
		if err != nil {
			return scimerrors.ScimErrorInvalidPath
		}
		if err := applyPath(attrs, p, op.Op, v, sch); err != nil {
			return err
		}
	}
	return nil
}

func applyPath(attrs map[string]any, p filter.Path, op string, value any, sch schema.Schema) error {
	target := attrs
	if uri := p.AttributePath.URI(); uri != "" && uri != sch.ID {
		if uri != enterpriseSchema.ID || sch.ID != schema.UserSchema {
			return scimerrors.ScimErrorInvalidPath
		}
		sch = enterpriseSchema
		if target = subMap(attrs, uri, op != scim.PatchOperationRemove); target == nil {
			return nil
		}
	}
	attr, ok := sch.Attributes.ContainsAttribute(p.AttributePath.AttributeName)
	if !ok {
		return scimerrors.ScimErrorInvalidPath
	}
	key := attr.Name()
	if p.ValueExpression != nil {
		return applyFiltered(target, key, attr, p, op, value)
	}
	if sub := p.AttributePath.SubAttributeName(); sub != "" {
		subAttr, ok := attr.SubAttributes().ContainsAttribute(sub)
		if !ok {
			return scimerrors.ScimErrorInvalidPath
		}
		m := subMap(target, key, op != scim.PatchOperationRemove)
		if m == nil {
			return nil
		}
		if op == scim.PatchOperationRemove {
			delete(m, subAttr.Name())
		} else {
			m[subAttr.Name()] = value
		}
		return nil
	}
	switch {
	case op == scim.PatchOperationRemove && value == nil:
		delete(target, key)
	case op == scim.PatchOperationRemove:
		// Entra removes members by value: {"op":"Remove","path":"members","value":[{"value":"<id>"}]}.
		list, _ := target[key].([]any)
		kept := []any{}
		for _, e := range list {
			if !containsElem(asList(value), e) {
				kept = append(kept, e)
			}
		}
		target[key] = kept
	case attr.MultiValued() && op == scim.PatchOperationAdd:
		list, _ := target[key].([]any)
		for _, e := range asList(value) {
			if !containsElem(list, e) {
				list = append(list, e)
			}
		}
		target[key] = list
	case attr.MultiValued():
		target[key] = asList(value)
	case attr.HasSubAttributes():
		// Sub-attributes not given are left unchanged, for add and replace alike.
		m := subMap(target, key, true)
		vm, _ := value.(map[string]any)
		for k, v := range vm {
			m[k] = v
		}
	default:
		target[key] = value
	}
	return nil
}

// applyFiltered handles attr[filter] and attr[filter].sub paths, such as Okta's
// members[value eq "<id>"] and Entra's emails[type eq "work"].value.
func applyFiltered(target map[string]any, key string, attr schema.CoreAttribute, p filter.Path, op string, value any) error {
	match := scimfilter.NewFilterValidator(p.ValueExpression, schema.Schema{Attributes: scimfilter.MultiValuedFilterAttributes(attr)})
	sub := p.SubAttributeName()
	if sub != "" {
		subAttr, ok := attr.SubAttributes().ContainsAttribute(sub)
		if !ok {
			return scimerrors.ScimErrorInvalidPath
		}
		sub = subAttr.Name()
	}
	list, _ := target[key].([]any)
	out, matched := []any{}, 0
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m == nil || match.PassesFilter(m) != nil {
			out = append(out, e)
			continue
		}
		matched++
		switch {
		case op == scim.PatchOperationRemove && sub == "":
			continue
		case op == scim.PatchOperationRemove:
			delete(m, sub)
		case sub != "":
			m[sub] = value
		default:
			vm, _ := value.(map[string]any)
			for k, v := range vm {
				m[k] = v
			}
		}
		out = append(out, m)
	}
	if matched == 0 && op != scim.PatchOperationRemove {
		// RFC 7644 §3.5.2.3: a replace whose filter matches nothing is 400 noTarget. An
		// add of attr[x eq "v"].sub creates the element {x: "v", sub: value}.
		e, ok := p.ValueExpression.(*filter.AttributeExpression)
		if op != scim.PatchOperationAdd || !ok || e.Operator != filter.EQ || sub == "" {
			return scimerrors.ScimErrorNoTarget
		}
		out = append(out, map[string]any{e.AttributePath.AttributeName: e.CompareValue, sub: value})
	}
	target[key] = out
	return nil
}

// subMap returns the complex attribute key of m, creating it when asked.
func subMap(m map[string]any, key string, create bool) map[string]any {
	if sm, ok := m[key].(map[string]any); ok {
		return sm
	}
	if !create {
		return nil
	}
	sm := map[string]any{}
	m[key] = sm
	return sm
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// containsElem says whether list holds e: the same "value" sub-attribute for complex
// elements that have one (members, emails), else an equal element.
func containsElem(list []any, e any) bool {
	em, _ := e.(map[string]any)
	for _, x := range list {
		xm, _ := x.(map[string]any)
		if em != nil && xm != nil && em["value"] != nil {
			if xm["value"] == em["value"] {
				return true
			}
			continue
		}
		if reflect.DeepEqual(x, e) {
			return true
		}
	}
	return false
}
