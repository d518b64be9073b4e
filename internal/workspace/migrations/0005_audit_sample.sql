-- The audit sample (抜き取り検査) drawn for a file and the clerk's marks, so
-- that quitting before submit loses neither (see sample.go). One sample a
-- file: drawing again until the figures look better would defeat it. Cell
-- places and marks only, no values. Deleted with the file's working copy.
CREATE TABLE samples (
    hash       TEXT PRIMARY KEY REFERENCES files(hash) ON DELETE CASCADE,
    seed       INTEGER NOT NULL, -- the uint64 seed, bit for bit
    population INTEGER NOT NULL,
    drawn_at   TEXT NOT NULL,
    drawn_by   TEXT NOT NULL
);

-- The sampled cells in the order drawn (ord); mark is sampling.Mark
-- (0 unmarked, 1 right, 2 wrong).
CREATE TABLE sample_cells (
    hash TEXT NOT NULL REFERENCES samples(hash) ON DELETE CASCADE,
    ord  INTEGER NOT NULL,
    row  INTEGER NOT NULL,
    key  TEXT NOT NULL,
    mark INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hash, row, key)
);
