package okta

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is Okta's error body; errorLink repeats errorCode, as real Okta does.
type apiError struct {
	Code    string       `json:"errorCode"`
	Summary string       `json:"errorSummary"`
	Link    string       `json:"errorLink"`
	ID      string       `json:"errorId"`
	Causes  []errorCause `json:"errorCauses"`
}

type errorCause struct {
	Summary string `json:"errorSummary"`
}

// Error makes apiError usable as a Go error by the seeding methods.
func (e *apiError) Error() string {
	if len(e.Causes) > 0 {
		return fmt.Sprintf("okta %s: %s (%s)", e.Code, e.Summary, e.Causes[0].Summary)
	}
	return fmt.Sprintf("okta %s: %s", e.Code, e.Summary)
}

func newError(code, summary string, causes ...string) *apiError {
	e := &apiError{Code: code, Summary: summary, Link: code, ID: "oae" + randomID(19), Causes: []errorCause{}}
	for _, c := range causes {
		e.Causes = append(e.Causes, errorCause{Summary: c})
	}
	return e
}

func errInvalidToken() *apiError { return newError("E0000011", "Invalid Token Provided") }

func errRateLimit() *apiError {
	return newError("E0000047", "API call exceeded rate limit due to too many requests.")
}

func errNotFound(what string) *apiError {
	return newError("E0000007", "Not found: Resource not found: "+what)
}

func errValidation(causes ...string) *apiError {
	return newError("E0000001", "Api validation failed: "+firstOr(causes, "request"), causes...)
}

func errBadParam(summary string) *apiError { return newError("E0000053", summary) }

func errWrongStatus() *apiError {
	return newError("E0000038", "This operation is not allowed in the user's current status.")
}

func errAlreadyActive() *apiError {
	return newError("E0000016", "Activation failed because the user is already active")
}

func errMalformed() *apiError {
	return newError("E0000003", "The request body was not well-formed.")
}

func firstOr(ss []string, def string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return def
}

// statusFor gives the HTTP status Okta answers an error code with.
func statusFor(e *apiError) int {
	switch e.Code {
	case "E0000007":
		return http.StatusNotFound
	case "E0000011":
		return http.StatusUnauthorized
	case "E0000038":
		return http.StatusForbidden
	case "E0000047":
		return http.StatusTooManyRequests
	case "E0000022":
		return http.StatusMethodNotAllowed
	default:
		return http.StatusBadRequest
	}
}

func writeError(w http.ResponseWriter, status int, e *apiError) {
	writeJSON(w, status, e)
}

func writeErr(w http.ResponseWriter, err error) {
	if e, ok := err.(*apiError); ok {
		writeError(w, statusFor(e), e)
		return
	}
	writeError(w, http.StatusInternalServerError, newError("E0000009", "Internal Server Error: "+err.Error()))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"errorCode":"E0000009","errorSummary":"Internal Server Error","errorLink":"E0000009","errorId":"oae0","errorCauses":[]}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// decodeBody reads a JSON request body into v; a malformed one is E0000003.
func decodeBody(r *http.Request, v any) error {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return errMalformed()
	}
	return nil
}
