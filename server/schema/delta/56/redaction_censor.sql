-- 1.4.0: redacted events get their stored JSON censored after a retention period; remember which
-- redactions have been applied that way. The partial index finds the outstanding ones.
ALTER TABLE redactions ADD COLUMN have_censored BOOL NOT NULL DEFAULT false;
CREATE INDEX redactions_have_censored ON redactions (event_id) WHERE NOT have_censored;
