-- 1.10.0: a room's version is kept on the rooms row instead of being read from its create
-- event each time. The background update fills it in for existing rooms (and adds rooms
-- missing from the table).
ALTER TABLE rooms ADD COLUMN room_version TEXT;

INSERT INTO background_updates (update_name, progress_json)
    VALUES ('add_rooms_room_version_column', '{}');
