-- The circuit breaker of each provisioning target. target_calls counts a target's calls and
-- failures per minute (minute is Unix minutes), one small upsert per call; the breaker's
-- window is the sum of its last minutes. target_breakers holds the state a target is in:
-- state is 'closed' or 'paused'; a paused target lets one probe through at next_probe_at.
-- last_operation and last_error are those of the last failure recorded.

CREATE TABLE target_calls (
    instance TEXT NOT NULL,
    minute   BIGINT NOT NULL,
    calls    BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (instance, minute)
);

CREATE TABLE target_breakers (
    instance       TEXT PRIMARY KEY,
    state          TEXT NOT NULL DEFAULT 'closed',
    paused_at      INTEGER,
    next_probe_at  INTEGER,
    last_operation TEXT NOT NULL DEFAULT '',
    last_error     TEXT NOT NULL DEFAULT '',
    updated_at     INTEGER NOT NULL
);
