package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/okta/okta-sdk-golang/v2/okta"

	"github.com/ilm-dev/ilm/connectors"
)

// Okta error codes the connector acts on.
const (
	codeNotFound      = "E0000007"
	codeAlreadyActive = "E0000016"
	codeRateLimited   = "E0000047"
	codeValidation    = "E0000001"
	codeWrongStatus   = "E0000038"
)

// classify turns an SDK error into a connector error: 429s that outlived the SDK's own
// retries into a RateLimitedError that waits for the bucket's reset, 5xx and transport
// failures into ErrUnavailable, a missing object into ErrNotFound, and every other 4xx into
// a final ErrInvalid carrying Okta's code, summary and causes.
func classify(ctx context.Context, what string, resp *okta.Response, err error) error {
	if err == nil {
		return nil
	}
	if note := rateNoteFrom(ctx); note != nil {
		if wait, limited := note.retryAfter(); limited && (resp == nil || resp.StatusCode == http.StatusTooManyRequests) {
			return &connectors.RateLimitedError{RetryAfter: wait, Message: what + ": " + codeRateLimited + " API call exceeded rate limit due to too many requests."}
		}
	}
	var oe *okta.Error
	if !errors.As(err, &oe) {
		return &connectors.CodedError{Class: connectors.ErrUnavailable, Message: fmt.Sprintf("%s: %v", what, err)}
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	class := connectors.ErrInvalid
	switch {
	case oe.ErrorCode == codeNotFound || status == http.StatusNotFound:
		class = connectors.ErrNotFound
	case oe.ErrorCode == codeRateLimited || status == http.StatusTooManyRequests:
		return &connectors.RateLimitedError{RetryAfter: time.Minute, Message: what + ": " + summary(oe)}
	case status >= 500:
		class = connectors.ErrUnavailable
	}
	return &connectors.CodedError{Class: class, Code: oe.ErrorCode, Message: fmt.Sprintf("%s: %s", what, summary(oe))}
}

// summary is Okta's errorSummary followed by its causes, which name the offending field.
func summary(oe *okta.Error) string {
	s := oe.ErrorSummary
	if s == "" {
		s = oe.ErrorDescription
	}
	var causes []string
	for _, c := range oe.ErrorCauses {
		if v, ok := c["errorSummary"]; ok {
			causes = append(causes, fmt.Sprint(v))
		}
	}
	if len(causes) > 0 {
		s += " (" + strings.Join(causes, "; ") + ")"
	}
	return s
}

// hasCode says whether err is Okta's error code.
func hasCode(err error, code string) bool {
	var oe *okta.Error
	return errors.As(err, &oe) && oe.ErrorCode == code
}

// rateNote remembers the last 429 of one operation. The SDK waits out a few 429s itself
// and then returns a bare "too many requests", without the response; the note keeps the
// bucket's reset time so the retry can wait exactly that long.
type rateNote struct {
	mu    sync.Mutex
	reset time.Time
	seen  bool
}

type rateNoteKey struct{}

// withRateNote returns a context whose requests note their rate-limit resets.
func withRateNote(ctx context.Context) context.Context {
	return context.WithValue(ctx, rateNoteKey{}, &rateNote{})
}

func rateNoteFrom(ctx context.Context) *rateNote {
	n, _ := ctx.Value(rateNoteKey{}).(*rateNote)
	return n
}

// retryAfter returns how long until the noted reset, at least a second.
func (n *rateNote) retryAfter() (time.Duration, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.seen {
		return 0, false
	}
	wait := time.Until(n.reset) + time.Second
	if wait < time.Second {
		wait = time.Second
	}
	return wait, true
}

// rateNoter is the HTTP transport that fills the request's rateNote.
type rateNoter struct{ next http.RoundTripper }

func (t rateNoter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	note := rateNoteFrom(req.Context())
	if err != nil || note == nil {
		return resp, err
	}
	note.mu.Lock()
	defer note.mu.Unlock()
	if resp.StatusCode == http.StatusTooManyRequests {
		note.seen = true
		note.reset = time.Now().Add(time.Minute)
		if secs, perr := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64); perr == nil {
			note.reset = time.Unix(secs, 0)
		}
	} else {
		note.seen = false
	}
	return resp, nil
}
