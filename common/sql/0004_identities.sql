-- Sign-in with OpenID Connect: a local account is linked to a provider's
-- (issuer, subject) pair, never to an e-mail address. An account made by a
-- first sign-in has no password (password_hash NULL): password login refuses
-- it like a wrong password. Links go with their user (ON DELETE CASCADE).
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

CREATE TABLE user_identities (
    issuer    text        NOT NULL,
    subject   text        NOT NULL,
    user_id   bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_identities_pkey PRIMARY KEY (issuer, subject),
    -- One account of each provider per user, so "unlink google" is unambiguous.
    CONSTRAINT user_identities_user_issuer_key UNIQUE (user_id, issuer)
);
