-- A person who signs in with passkeys may remove their password: the
-- column may now be empty. (SQLite can't drop NOT NULL in place; a new
-- column, the values copied, the old one dropped and the new one renamed
-- does it without rebuilding the table, so the tables whose rows point at
-- users are left alone.)
ALTER TABLE users ADD COLUMN password_hash_or_none TEXT;
UPDATE users SET password_hash_or_none = password_hash;
ALTER TABLE users DROP COLUMN password_hash;
ALTER TABLE users RENAME COLUMN password_hash_or_none TO password_hash;
