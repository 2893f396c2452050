-- A refresh family is a session a person can see and end: when it began
-- (created_at), when the person last proved who they are (auth_time: the
-- sign-in, or a later "confirm it's you"), when it was last renewed, and
-- the device it runs on, as far as a person recognises one: a browser and
-- OS label read from the User-Agent, and the address shortened to its
-- network (IPv4 /24, IPv6 /48). Sessions from before these columns show
-- their start as their sign-in and no device.
ALTER TABLE refresh_families ADD COLUMN auth_time BIGINT NOT NULL DEFAULT 0;
UPDATE refresh_families SET auth_time = created_at;
ALTER TABLE refresh_families ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
UPDATE refresh_families SET last_used_at = created_at;
ALTER TABLE refresh_families ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_families ADD COLUMN network TEXT NOT NULL DEFAULT '';
