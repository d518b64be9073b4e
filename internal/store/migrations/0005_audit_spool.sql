-- Entries a terminal spooled in its working copy and shipped later (see
-- internal/app/ship.go): spool_id is the terminal's id of the entry, taken
-- once only, so a shipment repeated after a crash adds nothing; arrived is
-- when the central store took it (at stays the time of the action). Both
-- are NULL on entries written centrally at the time of the action. The
-- append-only triggers above still refuse any change.
ALTER TABLE audit ADD COLUMN spool_id TEXT;
ALTER TABLE audit ADD COLUMN arrived TEXT;
CREATE UNIQUE INDEX audit_spool_id ON audit(spool_id);
