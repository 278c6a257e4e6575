-- Authentication state, as common/sql/0002_auth.sql for SQLite. Moments
-- are Unix seconds (REAL, with fractions) so expiry is plain arithmetic.
-- Revocation deletes families and sessions; ON DELETE CASCADE (foreign keys
-- are switched on per connection) takes their rows along.
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN totp_secret TEXT;  -- secretbox-sealed base32 secret
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

CREATE TABLE token_families (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at REAL    NOT NULL
);
CREATE INDEX token_families_user ON token_families (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  INTEGER NOT NULL REFERENCES token_families (id) ON DELETE CASCADE,
    expires_at REAL    NOT NULL,
    used_at    REAL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE browser_sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   REAL    NOT NULL,
    last_seen_at REAL    NOT NULL
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id);

CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   REAL,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE login_throttle (
    username_key TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start REAL    NOT NULL,
    locked_until REAL
);
