-- 1.6.0: deleting a key-backup version now deletes its keys; clear out the keys of versions
-- deleted (or lost) earlier.
DELETE FROM e2e_room_keys
WHERE version NOT IN (
    SELECT v.version FROM e2e_room_keys_versions AS v
    WHERE v.user_id = e2e_room_keys.user_id AND v.deleted = 0
);
