-- Entries a terminal spooled in its working copy and shipped later, as
-- internal/store/migrations/0005_audit_spool.sql: spool_id is taken once
-- only (a repeated shipment adds nothing), arrived is when the central
-- store took it. Adding columns fires no row trigger; the append-only
-- triggers keep refusing UPDATE, DELETE and TRUNCATE, and the application
-- role's table-level SELECT, INSERT covers the new columns.
ALTER TABLE audit ADD COLUMN spool_id text UNIQUE;
ALTER TABLE audit ADD COLUMN arrived text;
