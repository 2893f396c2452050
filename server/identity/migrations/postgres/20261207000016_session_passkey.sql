-- The passkey (its credential id) a session signed in with, if one did:
-- removing a passkey then offers to end the sessions it began.
ALTER TABLE refresh_families ADD COLUMN passkey TEXT;
