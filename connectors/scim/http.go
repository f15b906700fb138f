package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/connectors"
)

const mediaType = "application/scim+json"

// scimError is RFC 7644's error body. status is a string in the RFC and a number in some apps.
type scimError struct {
	Detail   string          `json:"detail"`
	ScimType string          `json:"scimType"`
	Status   json.RawMessage `json:"status"`
}

// do sends one request to the app and decodes a JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	req.Header.Set("Accept", mediaType+", application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if body != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	what := method + " " + strings.SplitN(path, "?", 2)[0]
	resp, err := c.http.Do(req)
	if err != nil {
		// The URL is ours and holds no secret; the error names it and the cause.
		return &connectors.CodedError{Class: connectors.ErrUnavailable, Message: fmt.Sprintf("%s: %v", what, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return &connectors.CodedError{Class: connectors.ErrUnavailable, Message: fmt.Sprintf("%s: reading the answer: %v", what, err)}
	}
	if resp.StatusCode >= 300 {
		return classify(what, resp, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &connectors.CodedError{Class: connectors.ErrInvalid, Message: fmt.Sprintf("%s: the answer is not SCIM JSON: %v", what, err)}
	}
	return nil
}

// classify turns an error answer into a connector error: 429 waits as the app says,
// 5xx may pass, 404 and 409 are their classes, and the other 4xx are final with the app's
// detail and scimType.
func classify(what string, resp *http.Response, body []byte) error {
	var e scimError
	_ = json.Unmarshal(body, &e)
	msg := fmt.Sprintf("%s: %d %s", what, resp.StatusCode, http.StatusText(resp.StatusCode))
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.ScimType != "" {
		msg += " (scimType " + e.ScimType + ")"
	}
	code := strconv.Itoa(resp.StatusCode)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &connectors.RateLimitedError{RetryAfter: retryAfter(resp.Header), Message: msg}
	case resp.StatusCode >= 500:
		return &connectors.CodedError{Class: connectors.ErrUnavailable, Code: code, Message: msg}
	case resp.StatusCode == http.StatusNotFound:
		return &connectors.CodedError{Class: connectors.ErrNotFound, Code: code, Message: msg}
	case resp.StatusCode == http.StatusConflict:
		return &connectors.CodedError{Class: connectors.ErrAlreadyExists, Code: code, Message: msg}
	default:
		err := &connectors.CodedError{Class: connectors.ErrInvalid, Code: code, Message: msg}
		if e.ScimType != "" {
			return &scimTypeError{scimType: e.ScimType, err: err}
		}
		return err
	}
}

// scimTypeError is a refusal that carries the app's scimType (RFC 7644 §3.12), such as
// invalidPath for an attribute it does not declare.
type scimTypeError struct {
	scimType string
	err      *connectors.CodedError
}

func (e *scimTypeError) Error() string { return e.err.Error() }
func (e *scimTypeError) Unwrap() error { return e.err }

// retryAfter reads Retry-After (seconds or an HTTP date; Slack) or X-RateLimit-Reset
// (epoch seconds; GitHub), a minute when neither says.
func retryAfter(h http.Header) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil {
			return max(time.Duration(secs)*time.Second, time.Second)
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(time.Until(t), time.Second)
		}
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			return max(time.Until(time.Unix(secs, 0))+time.Second, time.Second)
		}
	}
	return time.Minute
}
