-- Times are Unix microseconds, UTC; booleans are 0 or 1; fields, applications,
-- old_user_data and changes are JSON text.

CREATE TABLE profiles (
    employee_id      TEXT PRIMARY KEY,
    email            TEXT NOT NULL, -- lower-cased
    fields           TEXT NOT NULL,
    ad_status        TEXT NOT NULL,
    source_priority  INTEGER NOT NULL,
    source_of_truth  TEXT NOT NULL,
    conversion_hire  INTEGER NOT NULL,
    acquisition_hire INTEGER NOT NULL,
    applications     TEXT NOT NULL,
    old_user_data    TEXT NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX profiles_email ON profiles (email);

CREATE TABLE profile_history (
    id          INTEGER PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES profiles (employee_id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    incident    TEXT NOT NULL,
    changes     TEXT NOT NULL
);
CREATE INDEX profile_history_employee ON profile_history (employee_id, at, id);

CREATE TABLE poll_state (
    instance          TEXT PRIMARY KEY,
    initial_sync_done INTEGER NOT NULL,
    cursor            TEXT NOT NULL,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE app_map (
    okta_instance  TEXT NOT NULL,
    application_id TEXT NOT NULL,
    name           TEXT NOT NULL,
    label          TEXT NOT NULL,
    instance       TEXT NOT NULL,
    PRIMARY KEY (okta_instance, application_id)
);

CREATE TABLE reviewers (
    role             TEXT NOT NULL,
    username         TEXT NOT NULL,
    email            TEXT NOT NULL,
    on_call          INTEGER NOT NULL,
    open_assignments INTEGER NOT NULL,
    last_assigned_at INTEGER, -- NULL when never assigned
    PRIMARY KEY (role, username)
);
