package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// Breaker states as target_breakers keeps them.
const (
	stateClosed = "closed"
	statePaused = "paused"
)

// minute is the Unix minute of t, the key of its target_calls bucket.
func minute(t time.Time) int64 { return t.Unix() / 60 }

// windowStart is the first minute bucket of the window ending at now.
func windowStart(now time.Time, window time.Duration) int64 {
	minutes := int64((window + time.Minute - 1) / time.Minute)
	return minute(now) - max(minutes, 1) + 1
}

// AdmitCall reads the instance's breaker and, when it is paused and its probe due, takes
// the probe with a conditional UPDATE: of many callers at once, one gets it.
func (s *Store) AdmitCall(ctx context.Context, instance string, now time.Time, probeEvery time.Duration) (store.Admission, error) {
	fail := func(err error) (store.Admission, error) {
		return store.Admission{}, s.errorf("admit a call to %s: %w", instance, err)
	}
	now = row.Now(now)
	var state string
	var next time.Time
	err := s.read.QueryRowContext(ctx, s.bind(`SELECT state, next_probe_at FROM target_breakers WHERE instance = ?`), instance).
		Scan(&state, timeDest{&next})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Admission{OK: true}, nil
	case err != nil:
		return fail(err)
	case state != statePaused:
		return store.Admission{OK: true}, nil
	case next.After(now):
		return store.Admission{NextProbeAt: next}, nil
	}
	after := row.Time(now.Add(probeEvery))
	res, err := s.write.ExecContext(ctx, s.bind(`UPDATE target_breakers SET next_probe_at = ?
		WHERE instance = ? AND state = ? AND (next_probe_at IS NULL OR next_probe_at <= ?)`), s.timeArg(after), instance, statePaused, s.timeArg(now))
	if err != nil {
		return fail(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(err)
	}
	if n == 1 {
		return store.Admission{OK: true, Probe: true}, nil
	}
	return store.Admission{NextProbeAt: after}, nil
}

// RecordCall adds the call to its minute's bucket. A failure also records itself as the
// breaker's last one and, when the window's counts pass the policy, pauses a closed breaker
// with a conditional UPDATE, the one step that decides who tripped it. A probe's success
// closes the breaker.
func (s *Store) RecordCall(ctx context.Context, c store.CallOutcome, p store.BreakerPolicy) (bool, error) {
	at := row.Now(c.At)
	failures := 0
	if c.Failed {
		failures = 1
	}
	tripped := false
	err := s.inTx(ctx, func(_ *sql.Conn, tx *sql.Tx) error {
		var calls int64
		if err := tx.QueryRowContext(ctx, s.bind(`INSERT INTO target_calls (instance, minute, calls, failures) VALUES (?, ?, 1, ?)
			ON CONFLICT (instance, minute) DO UPDATE SET calls = target_calls.calls + 1, failures = target_calls.failures + excluded.failures
			RETURNING calls`), c.Instance, minute(at), failures).Scan(&calls); err != nil {
			return err
		}
		start := windowStart(at, p.Window)
		if calls == 1 {
			// A new minute: the buckets that left the window go.
			if _, err := tx.ExecContext(ctx, s.bind(`DELETE FROM target_calls WHERE instance = ? AND minute < ?`), c.Instance, start); err != nil {
				return err
			}
		}
		switch {
		case c.Probe && !c.Failed:
			_, err := s.closeBreaker(ctx, tx, c.Instance, at)
			return err
		case !c.Failed:
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.bind(`INSERT INTO target_breakers (instance, state, last_operation, last_error, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (instance) DO UPDATE SET last_operation = excluded.last_operation, last_error = excluded.last_error,
				updated_at = excluded.updated_at`), c.Instance, stateClosed, c.Operation, c.Error, s.timeArg(at)); err != nil {
			return err
		}
		var inWindow, failed int
		if err := tx.QueryRowContext(ctx, s.bind(`SELECT CAST(coalesce(sum(calls), 0) AS BIGINT), CAST(coalesce(sum(failures), 0) AS BIGINT)
			FROM target_calls WHERE instance = ? AND minute >= ?`), c.Instance, start).Scan(&inWindow, &failed); err != nil {
			return err
		}
		if !p.Trips(inWindow, failed) {
			return nil
		}
		res, err := tx.ExecContext(ctx, s.bind(`UPDATE target_breakers SET state = ?, paused_at = ?, next_probe_at = ?
			WHERE instance = ? AND state = ?`), statePaused, s.timeArg(at), s.timeArg(row.Time(at.Add(p.ProbeEvery))), c.Instance, stateClosed)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		tripped = n == 1
		return err
	})
	if err != nil {
		return false, s.errorf("record a call to %s: %w", c.Instance, err)
	}
	return tripped, nil
}

// ResumeTarget closes the instance's breaker and clears its window.
func (s *Store) ResumeTarget(ctx context.Context, instance string) (bool, error) {
	var resumed bool
	err := s.inTx(ctx, func(_ *sql.Conn, tx *sql.Tx) error {
		var err error
		resumed, err = s.closeBreaker(ctx, tx, instance, row.Now(time.Time{}))
		return err
	})
	if err != nil {
		return false, s.errorf("resume %s: %w", instance, err)
	}
	return resumed, nil
}

// closeBreaker closes a paused breaker and clears the instance's window, so that the
// failures that paused it do not pause it again; closed says it was paused.
func (s *Store) closeBreaker(ctx context.Context, tx *sql.Tx, instance string, at time.Time) (closed bool, err error) {
	res, err := tx.ExecContext(ctx, s.bind(`UPDATE target_breakers SET state = ?, paused_at = NULL, next_probe_at = NULL, updated_at = ?
		WHERE instance = ? AND state = ?`), stateClosed, s.timeArg(at), instance, statePaused)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	_, err = tx.ExecContext(ctx, s.bind(`DELETE FROM target_calls WHERE instance = ?`), instance)
	return true, err
}

// GetBreaker returns the instance's breaker with its counts in the window ending at now.
func (s *Store) GetBreaker(ctx context.Context, instance string, now time.Time, window time.Duration) (store.BreakerState, error) {
	b := store.BreakerState{Instance: instance}
	var state string
	err := s.read.QueryRowContext(ctx, s.bind(`SELECT state, paused_at, next_probe_at, last_operation, last_error
		FROM target_breakers WHERE instance = ?`), instance).
		Scan(&state, timeDest{&b.PausedAt}, timeDest{&b.NextProbeAt}, &b.LastOperation, &b.LastError)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return store.BreakerState{}, s.errorf("breaker of %s: %w", instance, err)
	}
	b.Paused = state == statePaused
	if err := s.read.QueryRowContext(ctx, s.bind(`SELECT CAST(coalesce(sum(calls), 0) AS BIGINT), CAST(coalesce(sum(failures), 0) AS BIGINT)
		FROM target_calls WHERE instance = ? AND minute >= ?`), instance, windowStart(row.Now(now), window)).
		Scan(&b.Calls, &b.Failures); err != nil {
		return store.BreakerState{}, s.errorf("calls to %s: %w", instance, err)
	}
	return b, nil
}
