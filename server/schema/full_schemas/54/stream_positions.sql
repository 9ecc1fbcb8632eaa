-- Seed rows of the single-row position tables, as Synapse's full schema 54 inserts them.
-- Queries read these positions with a plain SELECT and expect exactly one row. (Positions
-- computed from events are 0 / -1 on a new database; the formulas keep the file correct if it
-- is ever run on one that has events.) device_max_stream_id and account_data_max_stream_id are
-- deliberately left empty, as Synapse leaves them; 56/device_stream_id_insert.sql seeds the
-- former from 1.8.0.
INSERT INTO appservice_stream_position (stream_ordering)
    SELECT COALESCE(MAX(stream_ordering), 0) FROM events;

INSERT INTO federation_stream_position (type, stream_id) VALUES ('federation', -1);
INSERT INTO federation_stream_position (type, stream_id)
    SELECT 'events', COALESCE(MAX(stream_ordering), -1) FROM events;

INSERT INTO user_directory_stream_pos (stream_id) VALUES (NULL);

INSERT INTO stats_stream_pos (stream_id) VALUES (NULL);

INSERT INTO event_push_summary_stream_ordering (stream_ordering) VALUES (0);
