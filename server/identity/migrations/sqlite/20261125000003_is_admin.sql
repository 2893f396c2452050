-- Who may use the admin area. The token's `admin` claim is copied from here
-- at login, and the admin API checks this column again on every call.
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1));
