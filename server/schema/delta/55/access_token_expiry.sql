-- 1.2.0: access tokens may expire. NULL means the token never does.
ALTER TABLE access_tokens ADD COLUMN valid_until_ms BIGINT;
