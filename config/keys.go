package config

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeStrict decodes node into out after checking that every key of node names a field
// of out (or is one of the common instance keys).
func decodeStrict(node *yaml.Node, where string, out any) error {
	if err := checkKeys(node, where, out, "name", "type"); err != nil {
		return err
	}
	return node.Decode(out)
}

// checkKeys reports the first key of a mapping node that is not a yaml tag of v's struct
// type, naming it and its line. Nested structs, and structs in lists, are checked too.
func checkKeys(node *yaml.Node, where string, v any, extra ...string) error {
	if node.Kind != yaml.MappingNode {
		return nil
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	fields := map[string]reflect.Type{}
	addFields(fields, t)
	for _, k := range extra {
		fields[k] = nil
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			return fmt.Errorf("%s: unknown key %q (line %d)", joinKey(where, ""), k.Value, k.Line)
		}
		if err := checkNested(val, joinKey(where, k.Value), ft); err != nil {
			return err
		}
	}
	return nil
}

// addFields adds the yaml keys of struct type t, those of its inline structs included.
func addFields(fields map[string]reflect.Type, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "" && opts == "inline":
			addFields(fields, f.Type)
		case name != "" && name != "-":
			fields[name] = f.Type
		}
	}
}

// checkNested checks the keys of a value of type t: a struct, or each struct of a list, as
// key[0], key[1], …. Types that decode themselves (Duration, Instance) check their own.
func checkNested(val *yaml.Node, key string, t reflect.Type) error {
	switch {
	case t == nil || reflect.PointerTo(t).Implements(unmarshaler):
		return nil
	case t.Kind() == reflect.Struct:
		return checkKeys(val, key, reflect.New(t).Interface())
	case t.Kind() == reflect.Slice && val.Kind == yaml.SequenceNode:
		for i, item := range val.Content {
			if err := checkNested(item, fmt.Sprintf("%s[%d]", key, i), t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

var unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

func joinKey(where, key string) string {
	switch {
	case where == "":
		if key == "" {
			return "config"
		}
		return key
	case key == "":
		return where
	default:
		return where + "." + key
	}
}
