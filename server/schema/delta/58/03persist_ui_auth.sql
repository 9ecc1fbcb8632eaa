-- 1.13.0: user-interactive authentication sessions survive restarts and work across workers:
-- the session, what it was started for, and each stage completed in it.
CREATE TABLE IF NOT EXISTS ui_auth_sessions (
    session_id TEXT NOT NULL,
    creation_time BIGINT NOT NULL,
    serverdict TEXT NOT NULL,
    clientdict TEXT NOT NULL,
    uri TEXT NOT NULL,
    method TEXT NOT NULL,
    description TEXT NOT NULL,
    UNIQUE (session_id)
);

CREATE TABLE IF NOT EXISTS ui_auth_sessions_credentials (
    session_id TEXT NOT NULL,
    stage_type TEXT NOT NULL,
    result TEXT NOT NULL,
    UNIQUE (session_id, stage_type),
    FOREIGN KEY (session_id) REFERENCES ui_auth_sessions (session_id)
);
