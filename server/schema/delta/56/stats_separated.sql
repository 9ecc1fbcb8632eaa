-- 1.4.0: the statistics rework. Current values and time-bucketed history are kept apart for
-- rooms and users, updated incrementally from the state delta stream after one background pass
-- over every room and user.
--
-- As first shipped, the room pass did not wait for current_state_events.membership to be
-- filled (depends_on is the empty string, which counts as "no dependency"). A database coming
-- straight from 1.2.x or older gets both updates at once, and rooms counted before their
-- membership column is filled get joined_members = 0: the room directory bug, fixed in 1.13.0.
-- The legacy statistics tables of schema 54 go away (their data is recomputed below). The
-- earliest-token table of that design survives: Synapse's file misspelt its name, so real
-- databases still have it.
DROP TABLE IF EXISTS room_stats;
DROP TABLE IF EXISTS room_state;
DROP TABLE IF EXISTS room_stats_state;
DROP TABLE IF EXISTS user_stats;
DROP TABLE IF EXISTS _temp_populate_stats_position;
DROP TABLE IF EXISTS _temp_populate_stats_rooms;
DROP TABLE IF EXISTS stats_stream_pos;

-- Forget the legacy population chain, wherever it had got to, and queue the new one.
DELETE FROM background_updates WHERE update_name IN (
    'populate_stats_createtables',
    'populate_stats_process_rooms',
    'populate_stats_process_users',
    'populate_stats_cleanup'
);

INSERT INTO background_updates (update_name, progress_json, depends_on)
    VALUES ('populate_stats_process_rooms', '{}', '');

INSERT INTO background_updates (update_name, progress_json, depends_on)
    VALUES ('populate_stats_process_users', '{}', 'populate_stats_process_rooms');

-- Where the incremental processor has read current_state_delta_stream up to (one row).
-- Starting at the newest event is right because the background pass counts everything before.
DROP TABLE IF EXISTS stats_incremental_position;
CREATE TABLE stats_incremental_position (
    Lock CHAR(1) NOT NULL DEFAULT 'X' UNIQUE,
    stream_id BIGINT NOT NULL,
    CHECK (Lock='X')
);
INSERT INTO stats_incremental_position (stream_id)
    SELECT COALESCE(MAX(stream_ordering), 0) FROM events;

-- Absolute counts per room, as of completed_delta_stream_id.
DROP TABLE IF EXISTS room_stats_current;
CREATE TABLE room_stats_current (
    room_id TEXT NOT NULL PRIMARY KEY,
    current_state_events INT NOT NULL,
    joined_members INT NOT NULL,
    invited_members INT NOT NULL,
    left_members INT NOT NULL,
    banned_members INT NOT NULL,
    local_users_in_room INT NOT NULL,
    completed_delta_stream_id BIGINT NOT NULL
);

-- Per-room history in time buckets ending at end_ts (quantised to bucket_size ms).
DROP TABLE IF EXISTS room_stats_historical;
CREATE TABLE room_stats_historical (
    room_id TEXT NOT NULL,
    end_ts BIGINT NOT NULL,
    bucket_size BIGINT NOT NULL,
    current_state_events BIGINT NOT NULL,
    joined_members BIGINT NOT NULL,
    invited_members BIGINT NOT NULL,
    left_members BIGINT NOT NULL,
    banned_members BIGINT NOT NULL,
    local_users_in_room BIGINT NOT NULL,
    total_events BIGINT NOT NULL,
    total_event_bytes BIGINT NOT NULL,
    PRIMARY KEY (room_id, end_ts)
);
-- Old buckets are deleted by age.
CREATE INDEX room_stats_historical_end_ts ON room_stats_historical (end_ts);

DROP TABLE IF EXISTS user_stats_current;
CREATE TABLE user_stats_current (
    user_id TEXT NOT NULL PRIMARY KEY,
    joined_rooms BIGINT NOT NULL,
    completed_delta_stream_id BIGINT NOT NULL
);

DROP TABLE IF EXISTS user_stats_historical;
CREATE TABLE user_stats_historical (
    user_id TEXT NOT NULL,
    end_ts BIGINT NOT NULL,
    bucket_size BIGINT NOT NULL,
    joined_rooms BIGINT NOT NULL,
    invites_sent BIGINT NOT NULL,
    rooms_created BIGINT NOT NULL,
    total_events BIGINT NOT NULL,
    total_event_bytes BIGINT NOT NULL,
    PRIMARY KEY (user_id, end_ts)
);
CREATE INDEX user_stats_historical_end_ts ON user_stats_historical (end_ts);

-- The room's name, topic, rules etc. as last seen; the room directory reads it from 1.5.0.
CREATE TABLE room_stats_state (
    room_id TEXT NOT NULL,
    name TEXT,
    canonical_alias TEXT,
    join_rules TEXT,
    history_visibility TEXT,
    encryption TEXT,
    avatar TEXT,
    guest_access TEXT,
    is_federatable BOOLEAN,
    topic TEXT
);
CREATE UNIQUE INDEX room_stats_state_room ON room_stats_state (room_id);
