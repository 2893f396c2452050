-- Recovery codes: ten one-use codes a person keeps on paper, for the day
-- their password and passkeys are gone. Each is 80 random bits, stored only
-- as its SHA-256 (`hash`). A new set replaces the old one; a used code
-- keeps its row (used_at) until then, so "how many are left" is a count.
CREATE TABLE recovery_codes (
    hash       TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    used_at    BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
