-- Refresh tokens: one family per login (a device), one row per token the
-- family has been given. A token is stored only as its SHA-256 (`hash`):
-- a copy of this table lets nobody renew a session. Times are seconds since
-- the Unix epoch, written by the app.
CREATE TABLE refresh_families (
    id         TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    -- The absolute end (REFRESH_MAX_AGE_SECONDS after the login): no
    -- renewal goes past it.
    expires_at BIGINT  NOT NULL,
    -- Set by log-out, "log out everywhere", a password change, or a
    -- rotated token presented again (reuse: a copy is in other hands).
    revoked_at BIGINT
);
CREATE INDEX refresh_families_user ON refresh_families (user_id);

CREATE TABLE refresh_tokens (
    hash       TEXT    PRIMARY KEY,
    family_id  TEXT    NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    issued_at  BIGINT  NOT NULL,
    -- The sliding end (REFRESH_TTL_SECONDS after issue, never past the family's).
    expires_at BIGINT  NOT NULL,
    -- When it was exchanged for its successor; presenting it again is reuse.
    rotated_at BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
-- For pruning what has ended.
CREATE INDEX refresh_families_ends ON refresh_families (expires_at);
CREATE INDEX refresh_tokens_ends ON refresh_tokens (expires_at);
