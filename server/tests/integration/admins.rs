//! Who is an admin is decided by the database: the token's `admin` claim is
//! copied from it at login, and taking admin away refuses the tokens issued
//! so far (`server users revoke-admin`).

use crate::common;

use app::domain::Username;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{TestServer, answer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The token's payload, read the way anyone can: it is signed, not encrypted.
fn payload(token: &str) -> Value {
    let part = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

async fn me(server: &TestServer, token: &str) -> StatusCode {
    server
        .post("/api/me", Some(token), json!({}))
        .await
        .status()
}

#[tokio::test]
async fn the_demo_admin_ada_gets_an_admin_token_and_john_and_jack_do_not() {
    let server = TestServer::start().await;
    let ada = server.token_for("ada").await;
    assert_eq!(payload(&ada)["admin"], true);
    assert_eq!(payload(&ada)["name"], "Ada");
    for user in ["john", "jack"] {
        assert_eq!(
            payload(&server.token_for(user).await)["admin"],
            false,
            "{user}"
        );
    }
}

#[tokio::test]
async fn taking_admin_away_refuses_her_tokens_at_once_and_her_next_login_says_so() {
    let server = TestServer::start().await;
    let token = server.token_for("ada").await;
    assert_eq!(me(&server, &token).await, StatusCode::OK);

    let ada = Username::parse("ada").unwrap();
    server
        .state
        .users
        .set_admin(&ada, false)
        .await
        .unwrap()
        .unwrap();

    let (status, body) = answer(server.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_token");
    assert_eq!(payload(&server.token_for("ada").await)["admin"], false);
}

#[tokio::test]
async fn granting_admin_shows_in_the_next_login_and_keeps_the_current_token() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    let john = Username::parse("john").unwrap();
    server
        .state
        .users
        .set_admin(&john, true)
        .await
        .unwrap()
        .unwrap();

    assert_eq!(me(&server, &token).await, StatusCode::OK);
    assert_eq!(
        payload(&token)["admin"],
        false,
        "an issued token never changes"
    );
    assert_eq!(payload(&server.token_for("john").await)["admin"], true);
}

#[tokio::test]
async fn a_password_change_keeps_an_admin_an_admin() {
    let server = TestServer::start().await;
    let token = server.token_for("ada").await;
    let (status, body) = answer(
        server
            .post(
                "/api/change_password",
                Some(&token),
                json!({"current_password": "ada-password", "new_password": "a brand new secret"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(payload(body["token"].as_str().unwrap())["admin"], true);
}
