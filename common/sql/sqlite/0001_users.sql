-- Users, as common/sql/0001_users.sql for SQLite. The unique index on
-- lower(username) makes names unique without regard to case; lower() is
-- ASCII-only in SQLite, which is all the username rule allows (the CHECK).
-- AUTOINCREMENT: an id is never handed out twice, as with an identity.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL CHECK (length(username) BETWEEN 3 AND 32
                                          AND username NOT GLOB '*[^A-Za-z0-9_.-]*'),
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    version       INTEGER NOT NULL DEFAULT 1,
    -- RFC 3339 UTC text, as the API shows it.
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
