-- The signing keys every app instance shares (app/src/auth/keys/stored.rs),
-- used when JWT_KEY_ENCRYPTION_KEY is set. The key id is the RFC 7638
-- thumbprint of the public key.
CREATE TABLE signing_keys (
    kid                TEXT        PRIMARY KEY,
    -- The raw 32-byte Ed25519 public key, as published in the JWKS.
    public_key         BYTEA       NOT NULL,
    -- The private key sealed under the key-encryption key (ChaCha20-Poly1305,
    -- nonce first); NULL once a newer key signs: a retired key only verifies.
    sealed_private_key BYTEA,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- When it starts signing. A rotation publishes the key before this, so
    -- every verifier has it by the time the first token names it.
    activates_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX signing_keys_activates_at ON signing_keys (activates_at);
