-- 1.5.0: cross-signing. A user's master / self-signing / user-signing keys (newest by
-- stream_id), the signatures made with them, and a stream of signature changes for sync.
CREATE TABLE IF NOT EXISTS e2e_cross_signing_keys (
    user_id TEXT NOT NULL,
    keytype TEXT NOT NULL,
    keydata TEXT NOT NULL,
    stream_id BIGINT NOT NULL
);
CREATE UNIQUE INDEX e2e_cross_signing_keys_idx ON e2e_cross_signing_keys (user_id, keytype, stream_id);

CREATE TABLE IF NOT EXISTS e2e_cross_signing_signatures (
    user_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    target_user_id TEXT NOT NULL,
    target_device_id TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE UNIQUE INDEX e2e_cross_signing_signatures_idx
    ON e2e_cross_signing_signatures (user_id, target_user_id, target_device_id);

-- user_ids is a JSON list of the users whose keys from_user_id signed.
CREATE TABLE IF NOT EXISTS user_signature_stream (
    stream_id BIGINT NOT NULL,
    from_user_id TEXT NOT NULL,
    user_ids TEXT NOT NULL
);
CREATE UNIQUE INDEX user_signature_stream_idx ON user_signature_stream (stream_id);
