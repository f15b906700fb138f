package okta

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateLimiter counts requests per endpoint bucket (the route pattern, like Okta's
// per-endpoint limits) in fixed one-minute windows.
type rateLimiter struct {
	limit int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	reset time.Time
	used  int
}

func newRateLimiter(limit int) *rateLimiter {
	return &rateLimiter{limit: limit, buckets: map[string]*bucket{}}
}

// take counts one request against key and says whether it is within the limit.
func (l *rateLimiter) take(key string, now time.Time) (limit, remaining int, reset time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil || !now.Before(b.reset) {
		b = &bucket{reset: now.Truncate(time.Second).Add(time.Minute)}
		l.buckets[key] = b
	}
	b.used++
	remaining = l.limit - b.used
	if remaining < 0 {
		return l.limit, 0, b.reset, false
	}
	return l.limit, remaining, b.reset, true
}

func setRateHeaders(h http.Header, limit, remaining int, reset time.Time) {
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	// Epoch seconds, rounded up so that the reset is never before the moment it names.
	secs := reset.Unix()
	if reset.Nanosecond() > 0 {
		secs++
	}
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(secs, 10))
}
