//! Resident memory under a flood of distinct tokens, valid and forged
//! (`scripts/bench.sh`, or `cargo bench -p app --features ssr --bench
//! token_flood [-- COUNT]`).
//!
//! The verifier remembers verified tokens (`VERIFIED_TOKENS`, 10 000 by
//! default); this checks that what it remembers, and so the process, stays
//! bounded however many tokens it is shown. Each valid token is signed by
//! the service's own Ed25519 key (the default mode) and verified once; each
//! forged one is a valid token with its signature changed. Two threads, as
//! on the two cores here. Run as a test (`cargo test --benches`), it does
//! the same with 2 000 tokens so that it can't rot.

use identity::{
    auth::{TokenService, keys::KeyRing},
    users::CurrentUser,
};
use photo_spots_core::domain::{User, UserId, UserName, Username};
use std::{sync::Arc, time::Duration};

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let count: usize = std::env::args()
        .filter_map(|arg| arg.parse().ok())
        .next()
        .unwrap_or(if benchmarking { 1_000_000 } else { 2_000 });
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("signing.pem");
    KeyRing::create_if_missing(&path).expect("a signing key");
    let ring = Arc::new(KeyRing::open(&path, Duration::from_secs(3600)).expect("the key ring"));
    let service = TokenService::with_key_ring(ring, Duration::from_secs(3600));
    let holder = CurrentUser::new_user(User {
        id: UserId::new(120).expect("an id"),
        username: Username::parse("john").expect("a username"),
        name: UserName::parse("John").expect("a name"),
    });

    println!("token_flood: {count} valid and {count} forged distinct tokens, Ed25519");
    println!("  resident before: {}", resident());
    std::thread::scope(|threads| {
        for _ in 0..2 {
            threads.spawn(|| {
                for _ in 0..count / 2 {
                    let (token, _) = service.issue(&holder).expect("a signed token");
                    assert!(service.verify(&token).is_ok());
                    let forged = forge(&token);
                    assert!(service.verify(&forged).is_err());
                }
            });
        }
    });
    println!("  resident after:  {}", resident());
    println!(
        "  tokens remembered: {} (bound {})",
        service.remembered(),
        identity::auth::DEFAULT_VERIFIED_TOKENS
    );
    assert!(service.remembered() <= identity::auth::DEFAULT_VERIFIED_TOKENS);
}

/// The same token with the first character of its signature changed.
fn forge(token: &str) -> String {
    let (signed, signature) = token.rsplit_once('.').expect("three parts");
    let first = if signature.starts_with('A') { 'B' } else { 'A' };
    format!("{signed}.{first}{}", &signature[1..])
}

/// `VmRSS` from /proc (Linux), as printed there.
fn resident() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .map(|line| line["VmRSS:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown (no /proc)".to_owned())
}
