package activities

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/activity"
)

// maxHeartbeatEvery bounds the interval between heartbeats of a long read.
const maxHeartbeatEvery = 10 * time.Second

// readHeartbeat keeps a long read alive: it records a heartbeat on a clock, with the rows
// read so far as details, until stop. A report read can go minutes without a row (a slow
// Workday builds the whole report before the first byte, or trickles it), so heartbeats
// cannot wait for rows. They say the worker is alive, no more: the read itself is bounded by
// the instance's timeout.
type readHeartbeat struct {
	rows atomic.Int64
	stop func()
}

// startHeartbeat starts heartbeating for the activity of ctx, several times per heartbeat
// timeout.
func startHeartbeat(ctx context.Context) *readHeartbeat {
	every := maxHeartbeatEvery
	if timeout := activity.GetInfo(ctx).HeartbeatTimeout; timeout > 0 {
		every = min(every, timeout/4)
	}
	h := &readHeartbeat{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				activity.RecordHeartbeat(ctx, h.rows.Load())
			}
		}
	}()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			close(done)
			wg.Wait()
		})
	}
	return h
}

// progress notes the rows read so far (an hrsync.Options.Progress).
func (h *readHeartbeat) progress(rows int) { h.rows.Store(int64(rows)) }
