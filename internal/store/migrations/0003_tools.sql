-- Review tools (issue 13): the 取込済み mark, the purge mark (the batch row
-- stays, its records and trail go), and the second-person check and audit
-- sample stored with the batch (JSON, identifiers and counts only).
ALTER TABLE batches ADD COLUMN imported_at TEXT;
ALTER TABLE batches ADD COLUMN imported_by TEXT;
ALTER TABLE batches ADD COLUMN purged_at TEXT;
ALTER TABLE batches ADD COLUMN purged_by TEXT;
ALTER TABLE batches ADD COLUMN double_check TEXT;
ALTER TABLE batches ADD COLUMN sample TEXT;

-- A second-person check in progress, keyed by the batch key it checks (any
-- later edit changes the key, so a check never covers values it did not
-- see). It holds typed values: deleted when the batch is submitted.
CREATE TABLE pending_checks (
    batch_key  TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
