-- Each file's change count and the hash chained over its changes (see
-- integrity.go). Append keeps them current in the same transaction as the
-- changes, so the next change's hash needs no scan; at open they are
-- recomputed from the rows and compared with the record kept beside the file.
ALTER TABLE files ADD COLUMN nchanges INTEGER NOT NULL DEFAULT 0;
ALTER TABLE files ADD COLUMN chain TEXT NOT NULL DEFAULT '';
