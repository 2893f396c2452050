-- Security events waiting to reach the services that trust our tokens
-- (server/src/security_events.rs). Written in the same transaction as what
-- they report (an account deleted), so an event is never lost and never
-- sent for a change that rolled back; a deliverer sends each one as a
-- Security Event Token (RFC 8417) pushed per RFC 8935 until the receiver
-- acknowledges it. One row per event and receiver. Times are Unix seconds.
CREATE TABLE security_event_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The SET's `jti`: the same on every attempt, so a receiver that got
    -- it before recognises it.
    jti             TEXT    NOT NULL UNIQUE,
    -- The event type's URI and whom it is about (the user's id; no foreign
    -- key: the user is gone).
    event           TEXT    NOT NULL,
    subject         INTEGER NOT NULL,
    -- The receiver's audience name (`favorites`).
    receiver        TEXT    NOT NULL,
    occurred_at     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- A claimed row is leased until here (an instance that dies mid-send
    -- leaves it to another); a failed one waits here for its retry.
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    last_error      TEXT
);
CREATE INDEX security_event_outbox_due ON security_event_outbox (next_attempt_at)
    WHERE delivered_at IS NULL;

-- The ids of deleted accounts, and nothing else about them: an id names one
-- person for ever (other services keep data under it), so none is handed
-- out again, not even to a demo user created by id.
CREATE TABLE deleted_accounts (
    id         INTEGER PRIMARY KEY,
    deleted_at INTEGER NOT NULL
);
