-- 1.8.0: an index on state_groups(room_id), built in the background, for purging a room's
-- state groups.
INSERT INTO background_updates (update_name, progress_json)
    VALUES ('state_groups_room_id_idx', '{}');
