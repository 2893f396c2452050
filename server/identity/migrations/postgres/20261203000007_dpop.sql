-- DPoP (RFC 9449): a login whose first request carried a proof is bound to
-- that proof's key (its RFC 7638 thumbprint); every renewal must carry a
-- proof by the same key. NULL: a bearer login.
ALTER TABLE refresh_families ADD COLUMN dpop_jkt TEXT;

-- The DPoP proofs seen lately, shared by every instance: a proof is good
-- once. `id` is the SHA-256 of the key's thumbprint and the proof's `jti`;
-- a row is kept until the proof is too old to be accepted anyway.
CREATE TABLE dpop_proofs (
    id        TEXT   PRIMARY KEY,
    forget_at BIGINT NOT NULL
);
CREATE INDEX dpop_proofs_forget_at ON dpop_proofs (forget_at);
