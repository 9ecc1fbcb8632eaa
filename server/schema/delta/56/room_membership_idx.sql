-- 1.3.0: an index for "which rooms has this user forgotten", built in the background.
INSERT INTO background_updates (update_name, progress_json)
    VALUES ('room_membership_forgotten_idx', '{}');
