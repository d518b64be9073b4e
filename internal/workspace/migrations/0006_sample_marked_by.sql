-- Who marked each sampled cell: the report names them as who did the
-- audit sample (not the user who happened to submit).
ALTER TABLE sample_cells ADD COLUMN marked_by TEXT NOT NULL DEFAULT '';
