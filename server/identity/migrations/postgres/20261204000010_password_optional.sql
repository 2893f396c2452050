-- A person who signs in with passkeys may remove their password: the
-- column may now be empty.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
