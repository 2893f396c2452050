-- Log out everywhere: every token carries the version current when it was
-- issued (`ver` claim); bumping this column refuses all older tokens.
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
