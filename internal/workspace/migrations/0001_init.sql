-- One row per CSV file under review, keyed by the SHA-256 of its bytes, so a
-- file reopened under another name resumes, and an edited file does not.
CREATE TABLE files (
    hash       TEXT PRIMARY KEY,
    path       TEXT NOT NULL,
    form       TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    opened_at  TEXT NOT NULL,
    opened_by  TEXT NOT NULL,
    cur_row    INTEGER NOT NULL DEFAULT 0,
    cur_field  INTEGER NOT NULL DEFAULT 0
);

-- Every change a clerk made, in order. Replaying them rebuilds the review.
CREATE TABLE changes (
    hash    TEXT NOT NULL REFERENCES files(hash) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    grp     INTEGER NOT NULL,
    row     INTEGER NOT NULL,
    field   INTEGER NOT NULL,
    key     TEXT NOT NULL,
    op      TEXT NOT NULL,
    step    TEXT NOT NULL,
    old     TEXT NOT NULL,
    new     TEXT NOT NULL,
    reason  TEXT NOT NULL,
    user    TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (hash, seq)
);
