package servicenow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/connectors"
)

const userPath = "/api/now/table/sys_user"

// maxBody caps what is read of one answer; a page of two users is a few kilobytes.
const maxBody = 8 << 20

// field is one value of a record: its value and, for references and choices, the display
// value (the Table API gives both with sysparm_display_value=all).
type field struct {
	Value, Display string
}

// record is a sys_user row as read.
type record map[string]field

func (r record) get(key string) string { return r[key].Value }

// active reads the active flag, which the Table API writes as "true"/"false" (a boolean
// from some proxies and scripted APIs is read the same).
func (r record) active() bool {
	v := strings.ToLower(r.get("active"))
	return v == "true" || v == "1"
}

// values is the record as plain values, for result details.
func (r record) values() map[string]any {
	out := make(map[string]any, len(r))
	for k, f := range r {
		out[k] = f.Value
	}
	return out
}

func (f *field) UnmarshalJSON(b []byte) error {
	var pair struct {
		Value   json.RawMessage `json:"value"`
		Display json.RawMessage `json:"display_value"`
	}
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		if err := json.Unmarshal(b, &pair); err != nil {
			return err
		}
		f.Value, f.Display = scalar(pair.Value), scalar(pair.Display)
		return nil
	}
	f.Value = scalar(b)
	f.Display = f.Value
	return nil
}

// scalar renders a JSON value as ServiceNow text: strings as they are, booleans as
// "true"/"false", numbers as written, null as "".
func scalar(b json.RawMessage) string {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	t := string(bytes.TrimSpace(b))
	if t == "null" {
		return ""
	}
	return t
}

// readParams are the parameters of every read and write: both value and display value of
// each field the connector compares, without reference links.
func (c *Client) readParams() url.Values {
	return url.Values{
		"sysparm_display_value":          {"all"},
		"sysparm_exclude_reference_link": {"true"},
		"sysparm_fields":                 {c.fields},
	}
}

// writeParams also let reference fields (department, manager, …) take display values.
func (c *Client) writeParams() url.Values {
	q := c.readParams()
	q.Set("sysparm_input_display_value", "true")
	return q
}

// escapeQuery makes value safe inside an encoded query, where ^ separates conditions
// and ^^ is a literal caret.
func escapeQuery(value string) string { return strings.ReplaceAll(value, "^", "^^") }

// findUsers returns up to two users whose field equals value.
func (c *Client) findUsers(ctx context.Context, field, value string) ([]record, error) {
	q := c.readParams()
	q.Set("sysparm_query", field+"="+escapeQuery(value))
	q.Set("sysparm_limit", "2")
	var recs []record
	err := c.do(ctx, http.MethodGet, userPath, q, nil, &recs, fmt.Sprintf("find user by %s %q", field, value))
	return recs, err
}

// do sends one request and decodes the result envelope into out. what names the request in
// errors.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body any, out any, what string) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return connectors.Invalid("%s: %v", what, err)
		}
		rd = bytes.NewReader(b)
	}
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return connectors.Invalid("%s: %v", what, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	} else {
		req.SetBasicAuth(c.cfg.Username, c.cfg.Password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// url.Error names the method and URL, which hold no credentials.
		return &connectors.CodedError{Class: connectors.ErrUnavailable, Message: c.redact(fmt.Sprintf("%s: %v", what, err))}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return &connectors.CodedError{Class: connectors.ErrUnavailable, Message: c.redact(fmt.Sprintf("%s: reading the answer: %v", what, err))}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.classify(what, resp, data)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	var env struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(data, &env); err != nil || len(env.Result) == 0 {
		return &connectors.CodedError{Class: connectors.ErrUnavailable,
			Message: fmt.Sprintf("%s: HTTP %d answer is not a Table API result (%s)", what, resp.StatusCode, resp.Header.Get("Content-Type"))}
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return &connectors.CodedError{Class: connectors.ErrUnavailable, Message: fmt.Sprintf("%s: reading the result: %v", what, err)}
	}
	return nil
}

// statusError is a non-2xx answer; it unwraps to the classified connector error.
type statusError struct {
	Status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// classify turns an error answer into a connector error: 401 and 403 are final
// authentication or permission failures, 404 ErrNotFound, 429 a RateLimitedError that
// waits for Retry-After, 5xx ErrUnavailable, every other 4xx a final ErrInvalid with
// ServiceNow's message and detail.
func (c *Client) classify(what string, resp *http.Response, data []byte) error {
	status := resp.StatusCode
	msg, headline := errorText(status, data)
	msg = c.redact(msg)
	var err error
	switch {
	case status == http.StatusUnauthorized:
		err = connectors.Invalid("%s: authentication failed (HTTP 401): %s", what, msg)
	case status == http.StatusForbidden && headline == "Operation Failed":
		// A business rule or a unique index refused the write.
		err = connectors.Invalid("%s: %s (HTTP 403)", what, msg)
	case status == http.StatusForbidden:
		err = connectors.Invalid("%s: authentication failed or not authorized (HTTP 403): %s", what, msg)
	case status == http.StatusNotFound:
		err = &connectors.CodedError{Class: connectors.ErrNotFound, Message: fmt.Sprintf("%s: %s (HTTP 404)", what, msg)}
	case status == http.StatusTooManyRequests:
		err = &connectors.RateLimitedError{RetryAfter: retryAfter(resp.Header, time.Now()), Message: fmt.Sprintf("%s: %s", what, msg)}
	case status >= 500 || status == http.StatusRequestTimeout:
		err = &connectors.CodedError{Class: connectors.ErrUnavailable, Message: fmt.Sprintf("%s: %s (HTTP %d)", what, msg, status)}
	default:
		err = connectors.Invalid("%s: %s (HTTP %d)", what, msg, status)
	}
	return &statusError{Status: status, err: err}
}

// errorText reads ServiceNow's {"error":{"message","detail"},"status":"failure"}: the text
// "message: detail" and the message alone. Other bodies (a proxy's HTML) give the status text.
func errorText(status int, data []byte) (text, message string) {
	var env struct {
		Error struct {
			Message json.RawMessage `json:"message"`
			Detail  json.RawMessage `json:"detail"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &env) == nil {
		message = scalar(env.Error.Message)
		detail := scalar(env.Error.Detail)
		switch {
		case message != "" && detail != "" && detail != message:
			return message + ": " + detail, message
		case message != "":
			return message, message
		case detail != "":
			return detail, ""
		}
	}
	return http.StatusText(status), ""
}

// retryAfter reads Retry-After (seconds or an HTTP date), else X-RateLimit-Reset (Unix
// seconds), else waits a minute; never less than a second.
func retryAfter(h http.Header, now time.Time) time.Duration {
	wait := time.Minute
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			wait = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			wait = t.Sub(now)
		}
	} else if secs, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64); err == nil {
		wait = time.Unix(secs, 0).Sub(now)
	}
	return max(wait, time.Second)
}

// redact removes the password and token from text bound for an error, in case a proxy or
// an error page ever echoes them.
func (c *Client) redact(s string) string {
	for _, secret := range []string{c.cfg.Password, c.cfg.Token} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// hasStatus says whether err is an answer with that HTTP status.
func hasStatus(err error, status int) bool {
	var se *statusError
	return errors.As(err, &se) && se.Status == status
}
