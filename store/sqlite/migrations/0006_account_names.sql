-- Unique account names (provisioning.unique_names). account_names reserves each name for one
-- person: name is the primary key, so two people hired at once never get the same one, and
-- employee_id is unique, so a person holds one name and a retried reservation gets it back.
-- Names are lower-case. profiles.account_name records the person's name on the profile.

CREATE TABLE account_names (
    name        TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL UNIQUE,
    reserved_at INTEGER NOT NULL
);

ALTER TABLE profiles ADD COLUMN account_name TEXT NOT NULL DEFAULT '';
