-- What a poll reads of every profile without decoding its fields: copies of three fields and
-- the SHA-256 digest of all of them (profile.Digest). Rows written before have no digest
-- (NULL): a poll compares their fields whole, and their next save fills it in.

ALTER TABLE profiles
    ADD COLUMN display_name text NOT NULL DEFAULT '',
    ADD COLUMN employment_status text NOT NULL DEFAULT '',
    ADD COLUMN termination_trigger text NOT NULL DEFAULT '',
    ADD COLUMN fields_digest bytea;

UPDATE profiles SET
    display_name        = btrim(coalesce(fields::jsonb ->> 'displayname', '')),
    employment_status   = btrim(coalesce(fields::jsonb ->> 'employmentstatus', '')),
    termination_trigger = btrim(coalesce(fields::jsonb ->> 'terminationtrigger', ''));
