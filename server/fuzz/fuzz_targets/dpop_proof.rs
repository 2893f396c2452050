//! Any text presented as a DPoP proof: checking it never panics, and a proof
//! accepted here is one whose signature `jsonwebtoken` (pure-Rust `p256`)
//! accepts too, for the key its own header names — a second, independent
//! ES256 implementation, since the proof check verifies with ring.
//! The seeds were made with WebCrypto (node) at `NOW`, for `URL`, `TOKEN`.
#![no_main]

use app::auth::dpop::{ProofCheck, proof};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, jwk::Jwk};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const NOW: u64 = 1_800_000_000;
const TOKEN: &str = "header.payload.signature";
static URL: LazyLock<url::Url> =
    LazyLock::new(|| url::Url::parse("https://photos.example/api/me").unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let check = ProofCheck {
        method: "POST",
        url: &URL,
        access_token: Some(TOKEN),
        now: NOW,
    };
    if proof::verify(text, &check).is_ok() {
        assert!(
            signed_by_its_header_key(text),
            "a proof accepted that jsonwebtoken refuses: {text}"
        );
    }
});

fn signed_by_its_header_key(text: &str) -> bool {
    let Ok(header) = jsonwebtoken::decode_header(text) else {
        return false;
    };
    let Some(key) = header
        .jwk
        .as_ref()
        .and_then(|jwk: &Jwk| DecodingKey::from_jwk(jwk).ok())
    else {
        return false;
    };
    let mut validation = Validation::new(Algorithm::ES256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    decode::<serde_json::Value>(text, &key, &validation).is_ok()
}
