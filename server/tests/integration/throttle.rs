//! Password guessing is throttled: 429 with Retry-After, before any hashing.

use crate::common;

use common::{TestServer, answer, client_from};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

async fn login_from(
    server: &TestServer,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> StatusCode {
    let body = json!({"username": username, "password": password});
    server
        .post_with(client, "/api/login", None, body)
        .await
        .status()
}

#[tokio::test]
async fn repeated_failures_from_one_address_get_429_without_hashing() {
    let server = TestServer::start().await;
    let attacker = client_from(2);
    for _ in 0..5 {
        assert_eq!(
            login_from(&server, &attacker, "john", "guess").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let hashes_before = server.state.passwords.verifications();
    let response = server
        .post_with(
            &attacker,
            "/api/login",
            None,
            json!({"username": "john", "password": "john-password"}),
        )
        .await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(body["retry_after"], retry_after);
    assert_eq!(
        server.state.passwords.verifications(),
        hashes_before,
        "no hash ran"
    );

    let victim = client_from(3);
    assert_eq!(
        login_from(&server, &victim, "john", "john-password").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_distributed_attack_locks_the_username_only_for_the_window() {
    let server = TestServer::start_with(&[
        ("LOGIN_MAX_FAILURES_PER_USERNAME", "6"),
        ("LOGIN_FAILURE_WINDOW_SECONDS", "2"),
    ])
    .await;
    for last in 10..13 {
        let bot = client_from(last);
        for _ in 0..2 {
            assert_eq!(
                login_from(&server, &bot, "john", "guess").await,
                StatusCode::UNAUTHORIZED
            );
        }
    }
    let john = client_from(20);
    assert_eq!(
        login_from(&server, &john, "john", "john-password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&server, &john, "jack", "jack-password").await,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        login_from(&server, &john, "john", "john-password").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn unknown_users_cost_a_hash_like_known_ones() {
    let server = TestServer::start().await;
    let before = server.state.passwords.verifications();
    let (unknown, _) = answer(server.login("nobody", "guess").await).await;
    let after_unknown = server.state.passwords.verifications();
    let (wrong, _) = answer(server.login("john", "guess").await).await;
    let after_wrong = server.state.passwords.verifications();
    assert_eq!(
        (unknown, wrong),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(
        (after_unknown - before, after_wrong - after_unknown),
        (1, 1)
    );
}
