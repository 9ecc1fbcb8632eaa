-- 1.1.0: deactivation becomes a flag on the user row. Existing rows start at 0; the background
-- update sets it for users deactivated earlier (known by their missing password and tokens).
ALTER TABLE users ADD deactivated SMALLINT DEFAULT 0 NOT NULL;

INSERT INTO background_updates (update_name, progress_json)
    VALUES ('users_set_deactivated_flag', '{}');
