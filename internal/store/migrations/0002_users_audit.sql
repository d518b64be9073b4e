-- Named users; roles is a comma list (clerk, supervisor, admin).
CREATE TABLE users (
    name         TEXT PRIMARY KEY,
    roles        TEXT NOT NULL,
    hash         TEXT NOT NULL,
    disabled     INTEGER NOT NULL DEFAULT 0,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- The operation log, hash-chained (see internal/audit). Append-only: the
-- triggers refuse changes, and Verify finds any made around them.
CREATE TABLE audit (
    seq      INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    user     TEXT NOT NULL,
    terminal TEXT NOT NULL,
    kind     TEXT NOT NULL,
    object   TEXT NOT NULL,
    detail   TEXT NOT NULL,
    prev     TEXT NOT NULL,
    hash     TEXT NOT NULL
);
CREATE INDEX audit_user ON audit(user, at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
