-- Which reviewer each review was given, keyed by the review's id, so that assigning or
-- releasing the same review again (a retried activity does) changes nothing. released_at is
-- NULL while the review is open.

CREATE TABLE review_assignments (
    review_id   TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    username    TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    assigned_at INTEGER NOT NULL,
    released_at INTEGER
);
