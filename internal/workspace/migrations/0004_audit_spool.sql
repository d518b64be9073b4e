-- Audit entries waiting to be shipped to the central store (see spool.go):
-- written in the same transaction as the change they record, sent in the
-- order of n, deleted once the central store holds them. id is unique
-- across terminals (random), so the central store takes each entry once
-- however often it is shipped. Identifiers only, as in the central log.
CREATE TABLE audit_spool (
    n        INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    at       TEXT NOT NULL,
    user     TEXT NOT NULL,
    terminal TEXT NOT NULL,
    kind     TEXT NOT NULL,
    object   TEXT NOT NULL,
    detail   TEXT NOT NULL
);
