-- 1.7.0: a user may upload several signatures of the same target, so the signatures index must
-- not be unique. Replace the 1.5.0 index where it exists.
DROP INDEX IF EXISTS e2e_cross_signing_signatures_idx;
CREATE INDEX IF NOT EXISTS e2e_cross_signing_signatures2_idx
    ON e2e_cross_signing_signatures (user_id, target_user_id, target_device_id);
