-- 1.8.0: new databases never got a device_max_stream_id row (the 54 full schema does not seed
-- it), so the to-device stream position was not kept across restarts. Give it one if missing.
INSERT INTO device_max_stream_id (stream_id)
    SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM device_max_stream_id);
