package main

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/store"
)

// targetState is how `ilm targets status` prints a target's breaker.
type targetState struct {
	Instance string `json:"instance"`
	// State is closed (calls go) or paused (calls wait).
	State string `json:"state"`
	// Failures of Calls in the last Window found the target unwell.
	Failures      int        `json:"failures"`
	Calls         int        `json:"calls"`
	Window        string     `json:"window"`
	PausedSince   *time.Time `json:"paused_since,omitempty"`
	NextProbeAt   *time.Time `json:"next_probe_at,omitempty"`
	LastOperation string     `json:"last_operation,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
}

// printTargets prints the breaker of each named target as a JSON list.
func printTargets(ctx context.Context, st store.Store, breaker func(string) config.Breaker, names []string, now time.Time, w io.Writer) error {
	out := make([]targetState, 0, len(names))
	for _, name := range names {
		window := breaker(name).Window
		b, err := st.GetBreaker(ctx, name, now, window.Duration)
		if err != nil {
			return err
		}
		s := targetState{Instance: name, State: "closed", Failures: b.Failures, Calls: b.Calls, Window: window.String(),
			LastOperation: b.LastOperation, LastError: b.LastError}
		if b.Paused {
			s.State, s.PausedSince, s.NextProbeAt = "paused", &b.PausedAt, &b.NextProbeAt
		}
		out = append(out, s)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
