-- What happened to an account, for its owner to see on the sessions page:
-- sign-ins, failed sign-ins, sessions ended, password and passkey changes,
-- recovery codes, operator actions. Never a secret: `detail` holds a device
-- label, a network, a passkey's name. Kept 90 days.
CREATE TABLE account_activity (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      BIGINT  NOT NULL,
    kind    TEXT    NOT NULL,
    detail  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX account_activity_user ON account_activity (user_id, id);
CREATE INDEX account_activity_at ON account_activity (at);
