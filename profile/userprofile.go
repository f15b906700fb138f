package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// ParseUserProfile reads a user profile as XSOAR's IAM commands take it: one JSON object
// keyed by field keys ("email", "username", "displayname", …; other spellings are normalized,
// so "Display Name" is displayname), with "olduserdata" an object of the previous values
// (renames and email changes find the account by them) and the other lifecycle keys in their
// typed fields. Strings, numbers and booleans are field values; null is no value. Errors name
// the key.
func ParseUserProfile(data []byte) (Profile, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Profile{}, fmt.Errorf("user profile: not a JSON object: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Profile{}, fmt.Errorf("user profile: text after the JSON object")
	}
	if raw == nil {
		return Profile{}, fmt.Errorf("user profile: not a JSON object")
	}
	p := Profile{Fields: Fields{}}
	for name, value := range raw {
		key := NormalizeKey(name)
		if err := p.setUserProfileValue(key, value); err != nil {
			return Profile{}, fmt.Errorf("user profile: %q: %w", name, err)
		}
	}
	return p, nil
}

func (p *Profile) setUserProfileValue(key string, value json.RawMessage) error {
	switch key {
	case OldUserDataKey:
		old, err := scalarObject(value)
		p.OldUserData = old
		return err
	case ApplicationsKey:
		if string(value) == "null" {
			return nil
		}
		return json.Unmarshal(value, &p.Applications)
	}
	s, ok, err := scalar(value)
	if err != nil || !ok {
		return err
	}
	switch key {
	case ADAccountStatusKey:
		p.ADStatus = ADStatus(s)
	case SourcePriorityKey:
		p.SourcePriority, err = strconv.Atoi(s)
	case SourceOfTruthKey:
		p.SourceOfTruth = s
	case ConversionHireKey:
		p.ConversionHire, err = strconv.ParseBool(s)
	case AcquisitionHireKey:
		p.AcquisitionHire, err = strconv.ParseBool(s)
	case AccountNameKey:
		p.AccountName = s
	default:
		p.Fields[key] = s
	}
	return err
}

// scalarObject reads an object of scalar values as fields; null is no object.
func scalarObject(value json.RawMessage) (Fields, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(value, &raw); err != nil {
		return nil, fmt.Errorf("want an object of field values: %w", err)
	}
	if raw == nil {
		return nil, nil
	}
	f := make(Fields, len(raw))
	for name, v := range raw {
		s, ok, err := scalar(v)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", name, err)
		}
		if ok {
			f[NormalizeKey(name)] = s
		}
	}
	return f, nil
}

// scalar reads a string, number or boolean as a field value; ok is false for null.
func scalar(value json.RawMessage) (s string, ok bool, err error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", false, err
	}
	switch v := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case json.Number:
		return v.String(), true, nil
	case bool:
		return strconv.FormatBool(v), true, nil
	default:
		return "", false, fmt.Errorf("want a string, number or boolean, not %s", bytes.TrimSpace(value)[:1])
	}
}
