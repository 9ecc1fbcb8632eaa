-- 1.4.0: a key-backup entry is unique per backup version, not per user/room/session alone.
CREATE UNIQUE INDEX e2e_room_keys_with_version_idx
    ON e2e_room_keys (user_id, version, room_id, session_id);
DROP INDEX IF EXISTS e2e_room_keys_idx;
