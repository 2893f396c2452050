-- An operator may disable an account (`server users disable USERNAME`):
-- its sign-ins are refused with a message saying so, until it is enabled
-- again. Unix seconds of the disabling; NULL for an account in use.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
