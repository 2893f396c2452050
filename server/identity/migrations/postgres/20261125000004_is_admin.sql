-- Who may use the admin area. The token's `admin` claim is copied from here
-- at login, and the admin API checks this column again on every call.
ALTER TABLE users ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT false;
