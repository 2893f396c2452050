-- Recovery links: for a person with no password, passkey or code left, an
-- operator makes a one-use link (`server users recovery-link USERNAME`)
-- that sets a new password. Its secret (256 random bits, in the link's
-- fragment) is stored only as its SHA-256 (`hash`); it works until
-- expires_at (15 minutes) and once (used_at). A new link voids the older.
CREATE TABLE recovery_links (
    hash       TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);
CREATE INDEX recovery_links_user ON recovery_links (user_id);
