-- Review tools (issue 13), as internal/store/migrations/0003_tools.sql: the
-- 取込済み mark, the purge mark, the second-person check and audit sample
-- stored with the batch, and checks in progress.
ALTER TABLE batches ADD COLUMN imported_at text;
ALTER TABLE batches ADD COLUMN imported_by text;
ALTER TABLE batches ADD COLUMN purged_at text;
ALTER TABLE batches ADD COLUMN purged_by text;
ALTER TABLE batches ADD COLUMN double_check text;
ALTER TABLE batches ADD COLUMN sample text;

CREATE TABLE pending_checks (
    batch_key  text PRIMARY KEY,
    data       text NOT NULL,
    updated_at text NOT NULL
);
