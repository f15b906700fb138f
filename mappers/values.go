package mappers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// render turns a mapped value into profile text. ok is false when the value is empty
// (nil, blank, or an empty list or object): the field is then left out.
func render(v any) (s string, ok bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		s = strings.TrimSpace(v)
	case bool:
		s = strconv.FormatBool(v)
	case json.Number:
		s = number(v)
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		s = strconv.FormatFloat(float64(v), 'f', -1, 32)
	case int:
		s = strconv.Itoa(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	case time.Time:
		s = v.Format(time.RFC3339Nano)
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int8, reflect.Int16, reflect.Int32:
			s = strconv.FormatInt(rv.Int(), 10)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			s = strconv.FormatUint(rv.Uint(), 10)
		case reflect.Slice, reflect.Map, reflect.Array:
			if rv.Len() == 0 {
				return "", false
			}
			fallthrough
		default:
			b, err := json.Marshal(v)
			if err != nil {
				s = fmt.Sprint(v)
			} else {
				s = string(b)
			}
		}
	}
	return s, s != ""
}

// text is the string form of a value inside expressions: strings as they are, nil as
// "", anything else as render writes it.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	s, _ := render(v)
	return s
}

// number writes a JSON number without trailing zeros ("1.50" -> "1.5", "2.0" -> "2").
// Integers and plain decimals are kept digit for digit: ids can exceed a float64.
func number(n json.Number) string {
	s := string(n)
	if strings.ContainsAny(s, "eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return s
	}
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func isEmpty(v any) bool {
	_, ok := render(v)
	return !ok
}

// standardLayout picks, by its shape, which of the layouts accepted from every source
// may fit a date: ISO, Workday's zone suffix ("2024-03-04-08:00", also "Z"), or RFC 3339
// with or without fractional seconds. Trying only that one spares a failed parse, which
// costs an allocation, on every row.
func standardLayout(s string) string {
	switch {
	case len(s) == len(profile.DateLayout):
		return profile.DateLayout
	case len(s) > len(profile.DateLayout) && s[len(profile.DateLayout)] == 'T':
		return time.RFC3339
	}
	return "2006-01-02Z07:00"
}

// parseDate reads a source date. An empty value gives ok=false and no error. A
// date-time keeps the calendar date of its own zone: that is the day Workday means.
func parseDate(v any, layout string) (t time.Time, ok bool, err error) {
	var s string
	switch v := v.(type) {
	case nil:
		return t, false, nil
	case time.Time:
		return v, true, nil
	case string:
		s = strings.TrimSpace(v)
	default:
		return t, false, fmt.Errorf("cannot parse %s (%T) as a date", text(v), v)
	}
	if s == "" {
		return t, false, nil
	}
	if layout != "" {
		if t, err = time.Parse(layout, s); err == nil {
			return t, true, nil
		}
	}
	if t, err = time.Parse(standardLayout(s), s); err == nil {
		return t, true, nil
	}
	if layout == "" {
		layout = profile.DateLayout
	}
	return t, false, fmt.Errorf("cannot parse %q as a date (layout %q)", s, layout)
}

// toDate is the conversion of type: date.
func toDate(v any, layout string) (any, error) {
	t, ok, err := parseDate(v, layout)
	if !ok {
		return nil, err
	}
	return t.Format(profile.DateLayout), nil
}

// toBool is the conversion of type: bool. Workday sends flags as "0"/"1" or
// "True"/"False"; people write yes/no.
func toBool(v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "":
			return nil, nil
		case "1", "true", "yes", "y":
			return true, nil
		case "0", "false", "no", "n":
			return false, nil
		}
		return nil, fmt.Errorf("cannot parse %q as a bool (want true/false, yes/no or 1/0)", v)
	case json.Number:
		return toBool(string(v))
	case float64:
		if v == 0 || v == 1 {
			return v == 1, nil
		}
	case int:
		if v == 0 || v == 1 {
			return v == 1, nil
		}
	}
	return nil, fmt.Errorf("cannot parse %s (%T) as a bool (want true/false, yes/no or 1/0)", text(v), v)
}
