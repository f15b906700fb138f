-- revision counts the saves of a profile, so that an incident can tell whether the profile it
-- was planned from is still the one stored. Rows saved before start at 0.
ALTER TABLE profiles ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

-- One poll of an instance at a time: the run that holds the lease, and until when.
ALTER TABLE poll_state ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE poll_state ADD COLUMN lease_until INTEGER;
