-- 1.4.0: a device's last-seen time, IP and user agent move onto the device row, so that
-- user_ips can be pruned. The background update copies them from user_ips.
ALTER TABLE devices ADD COLUMN last_seen BIGINT;
ALTER TABLE devices ADD COLUMN ip TEXT;
ALTER TABLE devices ADD COLUMN user_agent TEXT;

INSERT INTO background_updates (update_name, progress_json)
    VALUES ('devices_last_seen', '{}');
