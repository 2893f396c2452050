-- Each user's favourite spots. `user_id` is the verified `sub` of a Photo
-- Spots token; this service has no users table of its own and never asks
-- the main app anything.
CREATE TABLE favorites (
    user_id    INTEGER NOT NULL,
    spot       TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (user_id, spot)
) WITHOUT ROWID;
