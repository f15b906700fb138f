-- The circuit breaker of each provisioning target. target_calls counts a target's calls and
-- failures per minute (minute is Unix minutes), one small upsert per call; the breaker's
-- window is the sum of its last minutes. target_breakers holds the state a target is in:
-- state is 'closed' or 'paused'; a paused target lets one probe through at next_probe_at.
-- last_operation and last_error are those of the last failure recorded.

CREATE TABLE target_calls (
    instance text COLLATE "C" NOT NULL,
    minute   bigint NOT NULL,
    calls    bigint NOT NULL DEFAULT 0,
    failures bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (instance, minute)
);

CREATE TABLE target_breakers (
    instance       text COLLATE "C" PRIMARY KEY,
    state          text NOT NULL DEFAULT 'closed',
    paused_at      timestamptz,
    next_probe_at  timestamptz,
    last_operation text NOT NULL DEFAULT '',
    last_error     text NOT NULL DEFAULT '',
    updated_at     timestamptz NOT NULL
);
