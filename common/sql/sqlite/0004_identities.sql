-- Sign-in with OpenID Connect, as common/sql/0004_identities.sql for SQLite.
-- SQLite cannot drop the NOT NULL of users.password_hash without rebuilding
-- the table (whose deletion would cascade to every session), so an account
-- made by a provider sign-in stores '' instead: the stores' "no password"
-- (PostgreSQL's NULL reads as '' too), which no password verifies.
-- The unique rules are indexes named as PostgreSQL's constraints; SQLite's
-- error lists their columns, which common/src/sqlite.cpp maps to the names.
CREATE TABLE user_identities (
    issuer    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX user_identities_pkey ON user_identities (issuer, subject);
-- One account of each provider per user, so "unlink google" is unambiguous.
CREATE UNIQUE INDEX user_identities_user_issuer_key ON user_identities (user_id, issuer);
