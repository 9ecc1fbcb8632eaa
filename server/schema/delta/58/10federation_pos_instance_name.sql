-- 1.18.0: several federation senders each track their own position; existing rows belong to
-- the main process.
ALTER TABLE federation_stream_position ADD COLUMN instance_name TEXT NOT NULL DEFAULT 'master';
CREATE UNIQUE INDEX federation_stream_position_instance
    ON federation_stream_position (type, instance_name);
