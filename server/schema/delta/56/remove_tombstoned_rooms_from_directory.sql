-- 1.8.0: rooms replaced by an upgrade (they carry an m.room.tombstone) are taken out of the
-- room directory in the background.
INSERT INTO background_updates (update_name, progress_json)
    VALUES ('remove_tombstoned_rooms_from_directory', '{}');
