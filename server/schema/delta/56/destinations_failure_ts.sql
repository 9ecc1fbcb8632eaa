-- 1.4.0: when did a remote server start failing? For servers already backing off, estimate it
-- as one retry interval before the last retry.
ALTER TABLE destinations ADD failure_ts BIGINT;

UPDATE destinations SET failure_ts = retry_last_ts - retry_interval
    WHERE retry_last_ts > 0;
