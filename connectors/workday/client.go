// Package workday reads Workday Report-as-a-Service (RaaS) reports: one GET of a custom
// report as JSON, {"Report_Entry":[{row}, ...]}, decoded one row at a time so a report of
// any size streams through in little memory. A report can also be read from a file, for
// demos and replays.
//
// A report that ends early or is malformed makes Stream fail even after some rows were
// handed over: callers act on a report only when Stream returned nil, so a cut-off
// download never reads as people having left.
package workday

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/connectors"
)

// DefaultTimeout bounds reading a report when Config.Timeout is zero.
const DefaultTimeout = 5 * time.Minute

// Config says where the report is and how to log in.
type Config struct {
	// ReportURL is an http(s) URL of the report's JSON link, "file:path" or a bare path.
	ReportURL string
	// Username and Password of the integration system user (HTTP Basic). Empty means
	// the URL's user info, if any. They are sent only to the report URL's scheme, host
	// and port, and only over https or to a loopback host.
	Username, Password string
	// Timeout bounds the whole read, rows handed to Stream's fn included.
	Timeout    time.Duration
	HTTPClient *http.Client
}

// Row is one entry of the report.
type Row struct {
	Number int // 1-based position in Report_Entry
	// Columns is valid only until the fn it was handed to returns: the next row reuses the
	// map. Keep a copy (maps.Clone) of what outlives the call.
	Columns map[string]any
}

// Client reads one report.
type Client struct {
	cfg Config
}

// Errors Stream's errors match with errors.Is. Each is also one of the connectors error
// classes, so connectors.Retryable knows what to do with it.
var (
	// ErrAuth means Workday refused the credentials (HTTP 401 or 403); a connectors.ErrInvalid.
	ErrAuth error = &classError{"authentication failed", connectors.ErrInvalid}
	// ErrUnavailable means Workday could not be reached, answered 429 or 5xx, or the
	// read ran out of time: try again. A connectors.ErrUnavailable.
	ErrUnavailable error = &classError{"workday unavailable", connectors.ErrUnavailable}
	// ErrInvalid means the answer is not a complete RaaS JSON report, or the report
	// URL is wrong (other 4xx); a connectors.ErrInvalid.
	ErrInvalid error = &classError{"invalid report", connectors.ErrInvalid}
)

type classError struct {
	msg   string
	class error
}

func (e *classError) Error() string { return e.msg }
func (e *classError) Unwrap() error { return e.class }

// New returns a client for cfg.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	return &Client{cfg: cfg}
}

// Source is the report's location as it may be shown: user info removed from URLs.
func (c *Client) Source() string { return redact(c.cfg.ReportURL) }

// Stream reads the report and calls fn with each row in order. It stops at the first
// error, fn's included. An error never carries the password.
func (c *Client) Stream(ctx context.Context, fn func(Row) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	body, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer body.Close()

	err = decode(ctx, body, fn)
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		// A read cut short by the deadline or the caller can surface as a short
		// document; say why, and that trying again may help.
		switch {
		case !errors.Is(err, cerr):
			err = fmt.Errorf("%w: %w (%v)", ErrUnavailable, cerr, err)
		case !errors.Is(err, ErrUnavailable):
			err = fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
	return fmt.Errorf("workday report %s: %w", c.Source(), c.hide(err))
}

// open returns the report's body.
func (c *Client) open(ctx context.Context) (io.ReadCloser, error) {
	src := c.cfg.ReportURL
	lower := strings.ToLower(src)
	switch {
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return c.get(ctx)
	case strings.HasPrefix(lower, "file:"):
		src = strings.TrimPrefix(src[len("file:"):], "//")
	case strings.Contains(src, "://"):
		return nil, fmt.Errorf("workday report %s: unsupported scheme (want http, https or file)", c.Source())
	}
	if src == "" {
		return nil, errors.New("workday report: no report_url configured")
	}
	f, err := os.Open(src)
	if err != nil {
		return nil, fmt.Errorf("workday report %s: %w", c.Source(), err)
	}
	return f, nil
}

func (c *Client) get(ctx context.Context) (io.ReadCloser, error) {
	u, err := url.Parse(c.cfg.ReportURL)
	if err != nil || u.Host == "" {
		// The parser's message may quote part of a password written into the URL.
		return nil, fmt.Errorf("workday report %s: report_url is not a valid URL", c.Source())
	}
	hc, err := c.httpClient(u)
	if err != nil {
		return nil, err
	}
	u.User = nil
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("workday report %s: report_url is not a valid URL", c.Source())
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("workday report %s: %w: %w", c.Source(), ErrUnavailable, c.hide(unwrapURLError(err)))
	}
	if err := c.checkResponse(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp.Body, nil
}

// httpClient returns the client that reads the report at u: the configured one, which
// adds the credentials, if any, only to the requests for u's origin. It refuses to send
// them over plain http to a host that is not loopback.
func (c *Client) httpClient(u *url.URL) (*http.Client, error) {
	user, pass := c.cfg.Username, c.cfg.Password
	if user == "" && pass == "" && u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	if user == "" && pass == "" {
		return c.cfg.HTTPClient, nil
	}
	if !safeScheme(u) {
		return nil, fmt.Errorf("workday report %s: %w: the credentials travel only over https (plain http only to a loopback host)", c.Source(), ErrInvalid)
	}
	next := c.cfg.HTTPClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc := *c.cfg.HTTPClient
	hc.Transport = &basicAuth{origin: origin(u), user: user, pass: pass, next: next}
	return &hc, nil
}

func (c *Client) checkResponse(resp *http.Response) error {
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("workday report %s: %w (HTTP %d): check the integration user's name and password", c.Source(), ErrAuth, code)
	case code < 200 || code > 299:
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		kind := ErrInvalid
		if code == http.StatusTooManyRequests || code >= 500 {
			kind = ErrUnavailable
		}
		return fmt.Errorf("workday report %s: %w: HTTP %s: %q", c.Source(), kind, resp.Status, c.hideText(string(head)))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json") {
			head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
			return fmt.Errorf("workday report %s: %w: content type %q is not JSON (is format=json in the URL?): %q",
				c.Source(), ErrInvalid, ct, c.hideText(string(head)))
		}
	}
	return nil
}

// hide keeps the password out of an error whose text came from elsewhere.
func (c *Client) hide(err error) error {
	if c.cfg.Password == "" || !strings.Contains(err.Error(), c.cfg.Password) {
		return err
	}
	return errors.New(c.hideText(err.Error()))
}

func (c *Client) hideText(s string) string {
	if c.cfg.Password == "" {
		return s
	}
	return strings.ReplaceAll(s, c.cfg.Password, "[redacted]")
}

// unwrapURLError drops net/http's *url.Error wrapper, whose text repeats the URL with
// its user name; the caller names the source itself.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact removes user info from a URL; other sources are returned as they are.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if i, j := strings.Index(s, "://"), strings.LastIndex(s, "@"); err != nil && i >= 0 && j > i {
			return s[:i+3] + s[j+1:]
		}
		return s
	}
	u.User = nil
	return u.String()
}
