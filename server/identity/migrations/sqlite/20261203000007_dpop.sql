-- DPoP (RFC 9449): a login whose first request carried a proof is bound to
-- that proof's key (its RFC 7638 thumbprint); every renewal must carry a
-- proof by the same key. NULL: a bearer login.
ALTER TABLE refresh_families ADD COLUMN dpop_jkt TEXT;
