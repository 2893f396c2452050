-- What the main app has told this service (Security Event Tokens, RFC
-- 8417, pushed per RFC 8935): each SET's `jti` once, with a fingerprint
-- of what it reported, so a SET delivered again changes nothing and a
-- `jti` reused for another event is refused.
CREATE TABLE received_events (
    jti         TEXT    PRIMARY KEY,
    fingerprint TEXT    NOT NULL,
    received_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Accounts deleted at the main app: their favourites are gone, and tokens
-- issued to them before `deleted_at` (Unix seconds) are refused until they
-- would have expired anyway.
CREATE TABLE deleted_accounts (
    user_id    INTEGER PRIMARY KEY,
    deleted_at INTEGER NOT NULL
) WITHOUT ROWID;
