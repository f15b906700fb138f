-- Which reviewer each review was given, keyed by the review's id, so that assigning or
-- releasing the same review again (a retried activity does) changes nothing. released_at is
-- NULL while the review is open.

CREATE TABLE review_assignments (
    review_id   text COLLATE "C" PRIMARY KEY,
    role        text NOT NULL,
    username    text COLLATE "C" NOT NULL,
    workflow_id text NOT NULL,
    assigned_at timestamptz NOT NULL,
    released_at timestamptz
);
