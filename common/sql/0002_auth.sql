-- Authentication state. token_version is the revocation marker every access
-- token carries ("ver"): bumping it (password change) rejects older tokens.
-- Token families and browser sessions are deleted to revoke them; their
-- tokens go with them (ON DELETE CASCADE), as they do when the user goes.
ALTER TABLE users
    ADD COLUMN token_version  bigint  NOT NULL DEFAULT 1,
    ADD COLUMN totp_secret    text,                     -- secretbox-sealed base32 secret
    ADD COLUMN totp_enabled   boolean NOT NULL DEFAULT false,
    ADD COLUMN totp_last_step bigint  NOT NULL DEFAULT 0; -- a TOTP code is accepted once

-- One login = one family; each refresh rotates to a new token of the family.
CREATE TABLE token_families (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX token_families_user ON token_families (user_id);

CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,                         -- SHA-256 hex of the opaque token
    family_id  bigint      NOT NULL REFERENCES token_families (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz                               -- set when rotated
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE browser_sessions (
    id_hash      text PRIMARY KEY,                       -- SHA-256 hex of the cookie value
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id);

CREATE TABLE recovery_codes (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash text   NOT NULL,                           -- SHA-256 hex of the normalized code
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Failed-login throttling when Redis is not available; keyed by the
-- lower-cased username so unknown names are throttled the same way.
CREATE TABLE login_throttle (
    username_key  text PRIMARY KEY,
    failures      integer     NOT NULL,
    window_start  timestamptz NOT NULL,
    locked_until  timestamptz
);
