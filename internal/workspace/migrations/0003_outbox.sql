-- Batches that could not be sent because the server was unreachable, kept
-- until they are delivered. key is the batch's idempotency key: the same
-- review queued twice is one row, and a resend the server already holds is
-- refused there as a duplicate (which counts as delivered).
CREATE TABLE outbox (
    key       TEXT PRIMARY KEY,
    summary   TEXT NOT NULL,
    payload   BLOB NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL
);
