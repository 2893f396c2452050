//! Any text presented as a bearer token: the lab's reader takes it apart
//! without panicking, and verification accepts nothing but what was signed.
//! The seed corpus holds a token correctly signed with `SECRET` (valid until
//! 2100); every verified token must carry exactly its claims, since no
//! mutation of a signed token may verify with other claims.
#![no_main]

use app::auth::{JwtSecret, TokenParts, TokenService, keys::KeyRing};
use libfuzzer_sys::fuzz_target;
use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

/// The secret the seed tokens are signed with (fuzzing only).
const SECRET: &str = "photo-spots-fuzzing-secret-not-for-production";
const TTL: Duration = Duration::from_secs(600);

static SHARED_SECRET: LazyLock<TokenService> =
    LazyLock::new(|| TokenService::new(&JwtSecret::new(SECRET).unwrap(), TTL));

/// Public-key mode with a key made for this run: no input was signed with it.
static KEY_RING: LazyLock<(tempfile::TempDir, TokenService)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signing.pem");
    KeyRing::create_if_missing(&path).unwrap();
    let ring = Arc::new(KeyRing::open(&path, Duration::from_secs(3600)).unwrap());
    (dir, TokenService::with_key_ring(ring, TTL))
});

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(parts) = TokenParts::decode(token) {
        let _ = (parts.header_json(), parts.payload_json());
    }
    if let Ok(claims) = SHARED_SECRET.verify(token) {
        assert_eq!(
            (
                claims.sub.get(),
                claims.name.as_str(),
                claims.admin,
                claims.jti.as_str()
            ),
            (120, "John", false, "fuzz-seed"),
            "verified claims that were never signed: {token}"
        );
    }
    assert!(
        KEY_RING.1.verify(token).is_err(),
        "a token nobody signed with this run's key was accepted: {token}"
    );
});
