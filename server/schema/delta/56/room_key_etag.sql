-- 1.7.0: key backups carry an etag so clients can tell whether new keys were added.
ALTER TABLE e2e_room_keys_versions ADD COLUMN etag BIGINT;
