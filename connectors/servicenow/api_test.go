package servicenow

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"http date", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{"date in the past", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, time.Second},
		{"zero", http.Header{"Retry-After": {"0"}}, time.Second},
		{"rate limit reset", http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(now.Add(30*time.Second).Unix(), 10)}}, 30 * time.Second},
		{"nothing", http.Header{}, time.Minute},
		{"garbage", http.Header{"Retry-After": {"soon"}}, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, retryAfter(tc.header, now))
		})
	}
}

// Values arrive as strings, as {display_value, value} pairs with sysparm_display_value=all,
// and, from some proxies and scripted APIs, as JSON booleans and numbers.
func TestRecordValues(t *testing.T) {
	var r record
	require.NoError(t, json.Unmarshal([]byte(`{
		"sys_id": "0123456789abcdef0123456789abcdef",
		"active": false,
		"locked_out": "true",
		"department": {"display_value": "Engineering", "value": "a9e9c33dc61122760072455df62663d2"},
		"sys_mod_count": 3,
		"manager": null,
		"title": {"display_value": null, "value": ""}
	}`), &r))
	assert.False(t, r.active())
	assert.Equal(t, "true", r.get("locked_out"))
	assert.Equal(t, field{Value: "a9e9c33dc61122760072455df62663d2", Display: "Engineering"}, r["department"])
	assert.Equal(t, "3", r.get("sys_mod_count"))
	assert.Equal(t, "", r.get("manager"))
	assert.Equal(t, field{}, r["title"])

	require.NoError(t, json.Unmarshal([]byte(`{"active": true}`), &r))
	assert.True(t, r.active())
	require.NoError(t, json.Unmarshal([]byte(`{"active": {"display_value": "true", "value": "true"}}`), &r))
	assert.True(t, r.active())
}

func TestEscapeQuery(t *testing.T) {
	assert.Equal(t, "o^^brien@example.com", escapeQuery("o^brien@example.com"))
	assert.Equal(t, "a^^^^b", escapeQuery("a^^b"))
	assert.Equal(t, "plain@example.com", escapeQuery("plain@example.com"))
}

func TestErrorText(t *testing.T) {
	for _, tc := range []struct {
		body, text, message string
	}{
		{`{"error":{"message":"Invalid request","detail":"Field x is mandatory"},"status":"failure"}`, "Invalid request: Field x is mandatory", "Invalid request"},
		{`{"error":{"message":"No Record found","detail":null},"status":"failure"}`, "No Record found", "No Record found"},
		{`<html>Bad gateway</html>`, "Bad Gateway", ""},
	} {
		text, message := errorText(http.StatusBadGateway, []byte(tc.body))
		assert.Equal(t, tc.text, text)
		assert.Equal(t, tc.message, message)
	}
}
