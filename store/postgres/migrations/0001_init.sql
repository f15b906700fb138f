-- fields, applications, old_user_data and changes are JSON text, kept byte for byte as
-- written (cast to jsonb to query them). Keys sort bytewise (COLLATE "C"), as in SQLite
-- and Go, whatever the database's locale.

CREATE TABLE profiles (
    employee_id      text COLLATE "C" PRIMARY KEY,
    email            text NOT NULL, -- lower-cased
    fields           text NOT NULL,
    ad_status        text NOT NULL,
    source_priority  integer NOT NULL,
    source_of_truth  text NOT NULL,
    conversion_hire  boolean NOT NULL,
    acquisition_hire boolean NOT NULL,
    applications     text NOT NULL,
    old_user_data    text NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX profiles_email ON profiles (email);

CREATE TABLE profile_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    employee_id text COLLATE "C" NOT NULL REFERENCES profiles (employee_id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    incident    text NOT NULL,
    changes     text NOT NULL
);
CREATE INDEX profile_history_employee ON profile_history (employee_id, at, id);

CREATE TABLE poll_state (
    instance          text PRIMARY KEY,
    initial_sync_done boolean NOT NULL,
    cursor            text NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE TABLE app_map (
    okta_instance  text NOT NULL,
    application_id text COLLATE "C" NOT NULL,
    name           text NOT NULL,
    label          text NOT NULL,
    instance       text NOT NULL,
    PRIMARY KEY (okta_instance, application_id)
);

CREATE TABLE reviewers (
    role             text NOT NULL,
    username         text COLLATE "C" NOT NULL,
    email            text NOT NULL,
    on_call          boolean NOT NULL,
    open_assignments integer NOT NULL,
    last_assigned_at timestamptz, -- NULL when never assigned
    PRIMARY KEY (role, username)
);
