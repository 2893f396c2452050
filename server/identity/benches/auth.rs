//! Token and password micro-benchmarks (`scripts/bench.sh`, or
//! `cargo bench -p app --features ssr`).
//!
//! - `hs256/verify` against `hmac_sha256_floor`: the raw HMAC-SHA256 over the
//!   same bytes is the least any HS256 verification can cost; the rest is
//!   base64, JSON and claim checks.
//! - `jwt_parsing_floor`: the base64 and JSON work any verifier must do
//!   (header and claims, once each); with the HMAC floor it is the least a
//!   complete verification can cost. `jsonwebtoken` parses each part twice.
//! - `eddsa/sign` and `eddsa/verify`: the default (Ed25519) mode. Its
//!   verify is an elliptic-curve check, an order of magnitude above HMAC:
//!   the price of a second service that can verify but not mint tokens.
//! - `*/verify` checks the signature every time (no verified tokens kept);
//!   `*/verify_remembered` is the same token again with the cache on, what
//!   every call after a token's first costs a running service.
//! - `zxcvbn/*`: a new password's guessability check (sign-up, a change),
//!   beside argon2id's hash it precedes.
//! - `argon2id/verify`: one login's password check, which bounds login
//!   throughput by design.
//! - `dpop/proof_check`: one DPoP proof checked against its request (header,
//!   ES256 signature, thumbprint, claims; not the replay cache, which is a
//!   map insert or one PostgreSQL statement), beside `dpop/p256_verify_floor`,
//!   the bare ECDSA P-256 verification (ring) any proof check must do, and
//!   `dpop/p256_verify_rust_crypto`, the same signature checked by
//!   `jsonwebtoken`'s `rust_crypto` backend (pure-Rust `p256`), which the
//!   proof check used before and the access tokens' backend still is.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use identity::{
    auth::{Claims, JwtSecret, Passwords, TokenService, keys::KeyRing},
    users::CurrentUser,
};
use photo_spots_core::domain::{Password, User, UserId, UserName, Username};
use sha2::Sha256;
use std::{hint::black_box, time::Duration};

const SECRET: &str = "benchmark-secret-that-is-long-enough-0123456789";

fn john() -> User {
    User {
        id: UserId::new(120).unwrap(),
        username: Username::parse("john").unwrap(),
        name: UserName::parse("John").unwrap(),
    }
}

fn tokens(c: &mut Criterion) {
    let secret = JwtSecret::new(SECRET).unwrap();
    let service = TokenService::new(&secret, Duration::from_secs(3600)).remembering(0);
    let remembering = TokenService::new(&secret, Duration::from_secs(3600));
    let user = CurrentUser::new_user(john());
    let (token, _) = service.issue(&user).unwrap();
    let (signed_part, _) = token.rsplit_once('.').unwrap();

    c.bench_function("hs256/sign", |b| {
        b.iter(|| service.issue(black_box(&user)).unwrap())
    });
    c.bench_function("hs256/verify", |b| {
        b.iter(|| service.verify(black_box(&token)).unwrap())
    });
    c.bench_function("hs256/verify_remembered", |b| {
        b.iter(|| remembering.verify(black_box(&token)).unwrap())
    });
    c.bench_function("hmac_sha256_floor", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
            mac.update(black_box(signed_part.as_bytes()));
            mac.finalize().into_bytes()
        })
    });
    c.bench_function("jwt_parsing_floor", |b| {
        b.iter(|| {
            let (header, payload) = black_box(signed_part).split_once('.').unwrap();
            let header = URL_SAFE_NO_PAD.decode(header).unwrap();
            let payload = URL_SAFE_NO_PAD.decode(payload).unwrap();
            let header: jsonwebtoken::Header = serde_json::from_slice(&header).unwrap();
            let claims: Claims = serde_json::from_slice(&payload).unwrap();
            (header, claims)
        })
    });
}

fn eddsa(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signing.pem");
    KeyRing::create_if_missing(&path).unwrap();
    let ring = std::sync::Arc::new(KeyRing::open(&path, Duration::from_secs(3600)).unwrap());
    let service =
        TokenService::with_key_ring(ring.clone(), Duration::from_secs(3600)).remembering(0);
    let remembering = TokenService::with_key_ring(ring, Duration::from_secs(3600));
    let user = CurrentUser::new_user(john());
    let (token, _) = service.issue(&user).unwrap();
    c.bench_function("eddsa/sign", |b| {
        b.iter(|| service.issue(black_box(&user)).unwrap())
    });
    c.bench_function("eddsa/verify", |b| {
        b.iter(|| service.verify(black_box(&token)).unwrap())
    });
    c.bench_function("eddsa/verify_remembered", |b| {
        b.iter(|| remembering.verify(black_box(&token)).unwrap())
    });
}

fn passwords(c: &mut Criterion) {
    let passwords = Passwords::new().unwrap();
    let password = Password::parse("john-password").unwrap();
    let hash = passwords.hash(&password).unwrap();
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(10);
    group.bench_function("verify", |b| {
        b.iter(|| passwords.verify(black_box(&password), Some(&hash)))
    });
    group.finish();
    // The guessability check a new password passes before it is hashed:
    // a passphrase, and the longest text it judges (100 characters).
    let inputs = ["ansel", "Ansel Adams"];
    for (name, text) in [
        ("zxcvbn/passphrase", "moonrise-hernandez".to_owned()),
        ("zxcvbn/100_chars", "river-stone-lantern-".repeat(5)),
    ] {
        let password = Password::parse(&text).unwrap();
        c.bench_function(name, |b| {
            b.iter(|| identity::auth::too_guessable(black_box(&password), &inputs))
        });
    }
}

fn dpop(c: &mut Criterion) {
    use identity::auth::dpop::{ProofCheck, ProofKey, proof};
    use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
    let key = ProofKey::generate().unwrap();
    let token = "header.payload.signature";
    let url = url::Url::parse("https://photos.example/api/me").unwrap();
    let proof_jwt = key.proof("POST", url.as_str(), Some(token)).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let check = ProofCheck {
        method: "POST",
        url: &url,
        access_token: Some(token),
        now,
    };
    c.bench_function("dpop/proof_check", |b| {
        b.iter(|| proof::verify(black_box(&proof_jwt), &check).unwrap())
    });
    let (signed, signature) = proof_jwt.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let jwk = serde_json::to_value(key.public_jwk()).unwrap();
    let coordinate = |name: &str| URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap();
    let point = [vec![4u8], coordinate("x"), coordinate("y")].concat();
    let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point);
    c.bench_function("dpop/p256_verify_floor", |b| {
        b.iter(|| {
            public
                .verify(black_box(signed.as_bytes()), &signature)
                .unwrap()
        })
    });
    let decoding = jsonwebtoken::DecodingKey::from_jwk(&key.public_jwk()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    c.bench_function("dpop/p256_verify_rust_crypto", |b| {
        b.iter(|| {
            jsonwebtoken::decode::<serde_json::Value>(black_box(&proof_jwt), &decoding, &validation)
                .unwrap()
        })
    });
}

criterion_group!(benches, tokens, eddsa, passwords, dpop);
criterion_main!(benches);
