-- 1.5.0: groundwork for cross-signing. Device ids that only reserve a name (so that a
-- cross-signing key id cannot collide with a real device) are marked hidden and never listed.
-- Adding a column with a default rewrites the whole devices table on PostgreSQL before 11,
-- hence the 1.5.0 note about servers with very many devices.
ALTER TABLE devices ADD COLUMN hidden BOOLEAN DEFAULT FALSE;
