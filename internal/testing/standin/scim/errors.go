package scim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	scimerrors "github.com/elimity-com/scim/errors"
)

const contentType = "application/scim+json"

// writeError answers with a SCIM Error body (RFC 7644 §3.12), shaped as the library
// shapes its own: schemas, detail and status as a string.
func writeError(w http.ResponseWriter, status int, detail string) {
	writeScimError(w, scimerrors.ScimError{Status: status, Detail: detail})
}

// writeScimError answers with e as a SCIM Error body, its scimType included.
func writeScimError(w http.ResponseWriter, e scimerrors.ScimError) {
	raw, _ := json.Marshal(e)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(e.Status)
	_, _ = w.Write(raw)
}

// rateWindow counts requests in GitHub's hourly rate-limit window. It only feeds the
// headers: the limit is not enforced (FailNext makes real 429s).
type rateWindow struct {
	reset time.Time
	used  int
}

const gitHubRateLimit = 5000 // a PAT's hourly REST limit

func (rw *rateWindow) take(now time.Time) (limit, remaining int, reset time.Time) {
	if !now.Before(rw.reset) {
		rw.reset, rw.used = now.Add(time.Hour).Truncate(time.Second), 0
	}
	rw.used++
	return gitHubRateLimit, max(gitHubRateLimit-rw.used, 0), rw.reset
}

func setGitHubRateHeaders(h http.Header, limit, remaining int, reset time.Time) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(limit-remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}
