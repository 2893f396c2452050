-- How each login was made (RFC 8176 `amr` values separated by spaces:
-- "pwd", "hwk mfa", "swk mfa"): its renewed access tokens carry the same.
-- Logins from before this column were all password logins.
ALTER TABLE refresh_families ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
