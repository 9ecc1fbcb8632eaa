-- 1.7.0: per-room message retention policies, taken from m.room.retention state events. NULL
-- means the policy does not set that bound. The background update reads the policies of rooms
-- that already have one.
CREATE TABLE IF NOT EXISTS room_retention (
    room_id TEXT,
    event_id TEXT,
    min_lifetime BIGINT,
    max_lifetime BIGINT,
    PRIMARY KEY (room_id, event_id)
);
CREATE INDEX room_retention_max_lifetime_idx ON room_retention (max_lifetime);

INSERT INTO background_updates (update_name, progress_json)
    VALUES ('insert_room_retention', '{}');
