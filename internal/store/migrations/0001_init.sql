-- One row per submitted batch. batch_key (file hash + final values and
-- confirmations) makes a second submission of the same review impossible.
CREATE TABLE batches (
    id              INTEGER PRIMARY KEY,
    batch_key       TEXT NOT NULL UNIQUE,
    file_hash       TEXT NOT NULL,
    file            TEXT NOT NULL,
    form            TEXT NOT NULL,
    checkup         TEXT NOT NULL,
    centre          INTEGER NOT NULL,
    reviewer        TEXT NOT NULL,
    submitter       TEXT NOT NULL,
    submitted_at    TEXT NOT NULL,
    rows            INTEGER NOT NULL,
    stored          INTEGER NOT NULL,
    skipped         INTEGER NOT NULL,
    replaced        INTEGER NOT NULL,
    errors          INTEGER NOT NULL,
    warnings        INTEGER NOT NULL,
    corrected       INTEGER NOT NULL,
    confirmed       INTEGER NOT NULL,
    override_user   TEXT,
    override_reason TEXT,
    exported_at     TEXT,
    exported_by     TEXT
);

-- One row per examinee: final values (canonical) and the OCR text where it
-- differs from the final value, as JSON objects keyed by field key. A
-- replaced record stays, marked superseded.
CREATE TABLE records (
    id               INTEGER PRIMARY KEY,
    batch_id         INTEGER NOT NULL REFERENCES batches(id),
    row              INTEGER NOT NULL,
    line             INTEGER NOT NULL,
    form             TEXT NOT NULL,
    atena            TEXT NOT NULL,
    exam_date        TEXT NOT NULL,
    centre           INTEGER NOT NULL,
    vals             TEXT NOT NULL,
    ocr              TEXT NOT NULL,
    superseded_by    INTEGER REFERENCES records(id),
    supersede_reason TEXT
);
CREATE INDEX records_current ON records(form, atena, exam_date) WHERE superseded_by IS NULL;
CREATE INDEX records_batch ON records(batch_id);

-- The correction trail: every cell that was flagged, corrected or confirmed.
CREATE TABLE trail (
    batch_id       INTEGER NOT NULL REFERENCES batches(id),
    row            INTEGER NOT NULL,
    field          TEXT NOT NULL,
    ocr            TEXT NOT NULL,
    final          TEXT NOT NULL,
    findings       TEXT NOT NULL,
    confidence     REAL,
    edited         INTEGER NOT NULL,
    edited_by      TEXT,
    edited_at      TEXT,
    confirmed      INTEGER NOT NULL,
    confirmed_by   TEXT,
    confirm_reason TEXT,
    overridden     INTEGER NOT NULL
);
CREATE INDEX trail_batch ON trail(batch_id);

-- How conflicts with stored records were resolved.
CREATE TABLE decisions (
    batch_id    INTEGER NOT NULL REFERENCES batches(id),
    row         INTEGER NOT NULL,
    atena       TEXT NOT NULL,
    exam_date   TEXT NOT NULL,
    existing_id INTEGER NOT NULL REFERENCES records(id),
    decision    TEXT NOT NULL CHECK (decision IN ('skip', 'replace')),
    reason      TEXT NOT NULL
);

-- Every import file written.
CREATE TABLE exports (
    id          INTEGER PRIMARY KEY,
    form        TEXT NOT NULL,
    file        TEXT NOT NULL,
    exported_at TEXT NOT NULL,
    exported_by TEXT NOT NULL,
    filter      TEXT NOT NULL,
    records     INTEGER NOT NULL
);
