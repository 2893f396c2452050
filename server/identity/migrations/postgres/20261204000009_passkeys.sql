-- Passkeys (WebAuthn) as a first factor.
--
-- Each user who registers one gets a random handle: the WebAuthn user id
-- their authenticators keep and hand back when they sign in without a
-- username. Random, so it says nothing about the user.
ALTER TABLE users ADD COLUMN passkey_handle TEXT;
CREATE UNIQUE INDEX users_passkey_handle ON users (passkey_handle);

-- One row per registered credential. Only public material: the credential
-- id (base64url), its public key, signature counter and flags, as the
-- WebAuthn library stores them (`credential`, JSON). Nothing here lets
-- anyone sign in.
CREATE TABLE passkeys (
    id           TEXT    PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    credential   TEXT    NOT NULL,
    -- Backed up by its provider to other devices (a synced passkey), or
    -- device-bound; read from the authenticator's flags at each use.
    synced       BOOLEAN NOT NULL,
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A registration or sign-in in progress: its challenge and the library's
-- state, kept here (not in the browser) so that any instance can finish
-- it. A row is taken (deleted) by the first attempt to finish it, so a
-- challenge is never accepted twice; it is good until `expires_at`, and a
-- registration only for `user_id`.
CREATE TABLE passkey_ceremonies (
    id         TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL,
    user_id    BIGINT  REFERENCES users (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX passkey_ceremonies_expires_at ON passkey_ceremonies (expires_at);
