-- What a poll reads of every profile without decoding its fields: copies of three fields and
-- the SHA-256 digest of all of them (profile.Digest). Rows written before have no digest
-- (NULL): a poll compares their fields whole, and their next save fills it in.

ALTER TABLE profiles ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN employment_status TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN termination_trigger TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN fields_digest BLOB;

UPDATE profiles SET
    display_name        = trim(coalesce(json_extract(fields, '$.displayname'), '')),
    employment_status   = trim(coalesce(json_extract(fields, '$.employmentstatus'), '')),
    termination_trigger = trim(coalesce(json_extract(fields, '$.terminationtrigger'), ''));
