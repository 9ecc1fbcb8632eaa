-- 1.7.0: the partial index redaction_censor.sql created in 1.4.0-1.6.x is no longer used.
DROP INDEX IF EXISTS redactions_have_censored;
