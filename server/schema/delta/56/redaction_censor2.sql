-- 1.4.0: when each redaction arrived, so censoring can wait for the retention period. The
-- background update fills it in for existing redactions from their events.
ALTER TABLE redactions ADD COLUMN received_ts BIGINT;
CREATE INDEX redactions_have_censored_ts ON redactions (received_ts) WHERE NOT have_censored;

INSERT INTO background_updates (update_name, progress_json)
    VALUES ('redactions_received_ts', '{}');
