//! Sign-up, password change and log out everywhere, over HTTP.

use crate::common;

use common::{TestServer, answer};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn signup(
    server: &TestServer,
    username: &str,
    password: &str,
    name: &str,
) -> (StatusCode, Value) {
    let body = json!({"username": username, "password": password, "name": name});
    answer(server.post("/api/signup", None, body).await).await
}

#[tokio::test]
async fn signup_creates_the_account_and_logs_in() {
    let server = TestServer::start().await;
    let (status, body) = signup(&server, "ansel", "moonrise-hernandez", " Ansel Adams ").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["user"]["username"], "ansel");
    assert_eq!(body["user"]["name"], "Ansel Adams");
    let token = body["token"].as_str().unwrap();
    let (status, me) = answer(server.post("/api/me", Some(token), json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me, body["user"]);
    let (status, _) = answer(server.login("ansel", "moonrise-hernandez").await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn signup_with_a_taken_username_is_409_and_keeps_the_first_account() {
    let server = TestServer::start().await;
    let (status, body) = signup(&server, "john", "a-new-long-password", "Impostor").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["message"],
        "That username is taken. Please choose another."
    );
    assert_eq!(server.name_in_db(120).await, "John");
    let (status, _) = answer(server.login("john", "john-password").await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn signup_rules_are_explained() {
    let server = TestServer::start().await;
    let cases = [
        (
            "Ansel",
            "long-enough-password",
            "Ansel",
            "username",
            "lowercase",
        ),
        ("an", "long-enough-password", "Ansel", "username", "3 to 32"),
        ("ansel", "short", "Ansel", "password", "at least 10"),
        (
            "ansel-adams",
            "ansel-adams",
            "Ansel",
            "password",
            "can't be your username",
        ),
        (
            "ansel",
            "long-enough-password",
            "",
            "name",
            "can't be empty",
        ),
    ];
    for (username, password, name, field, message) in cases {
        let (status, body) = signup(&server, username, password, name).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["field"], field, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains(message),
            "{body}"
        );
    }
    let (status, _) = answer(server.login("ansel", "long-enough-password").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no account was created");
}

async fn change_password(
    server: &TestServer,
    token: &str,
    current: &str,
    new: &str,
) -> (StatusCode, Value) {
    let body = json!({"current_password": current, "new_password": new});
    answer(server.post("/api/change_password", Some(token), body).await).await
}

#[tokio::test]
async fn wrong_current_password_is_403_and_changes_nothing() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    let (status, body) = change_password(&server, &token, "not-it", "a-brand-new-password").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "wrong_password");
    let (status, _) = answer(server.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "the token still works");
    let (status, _) = answer(server.login("john", "john-password").await).await;
    assert_eq!(status, StatusCode::OK, "the old password still works");
}

#[tokio::test]
async fn changing_the_password_refuses_every_older_token() {
    let server = TestServer::start().await;
    let laptop = server.token_for("john").await;
    let phone = server.token_for("john").await;
    let (status, body) =
        change_password(&server, &laptop, "john-password", "a-brand-new-password").await;
    assert_eq!(status, StatusCode::OK);
    let fresh = body["token"].as_str().unwrap().to_owned();

    for old in [&laptop, &phone] {
        let (status, body) = answer(server.post("/api/me", Some(old), json!({})).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "invalid_token");
    }
    let (status, _) = answer(server.post("/api/me", Some(&fresh), json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    let (old_status, _) = answer(server.login("john", "john-password").await).await;
    let (new_status, _) = answer(server.login("john", "a-brand-new-password").await).await;
    assert_eq!(
        (old_status, new_status),
        (StatusCode::UNAUTHORIZED, StatusCode::OK)
    );
}

#[tokio::test]
async fn new_password_rules_apply_to_a_change() {
    let server = TestServer::start().await;
    let token = server.token_for("jack").await;
    let (status, body) = change_password(&server, &token, "jack-password", "jack").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "new_password");
    let (status, _) = answer(server.login("jack", "jack-password").await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn guessable_passwords_are_refused_at_sign_up_and_on_change_with_the_reason() {
    let server = TestServer::start().await;
    for guessable in ["1234567890", "qwertyuiop", "password2026"] {
        let body = json!({"username": "ansel", "password": guessable, "name": "Ansel Adams"});
        let (status, body) = answer(server.post("/api/signup", None, body).await).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{guessable}: {body}"
        );
        assert_eq!(body["field"], "password");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("This password is too easy to guess."),
            "{message}"
        );
    }
    let (status, _) = answer(server.login("ansel", "1234567890").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no account was created");

    let token = server.token_for("jack").await;
    let (status, body) = change_password(&server, &token, "jack-password", "qwertyuiop").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "new_password");
    let (status, _) = answer(server.login("jack", "jack-password").await).await;
    assert_eq!(status, StatusCode::OK, "the password is unchanged");
    // The name is a first guess too.
    let (status, body) = change_password(&server, &token, "jack-password", "JackJack2026").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn log_out_everywhere_refuses_every_token_of_that_user_only() {
    let server = TestServer::start().await;
    let laptop = server.token_for("john").await;
    let phone = server.token_for("john").await;
    let jack = server.token_for("jack").await;
    // Both used once, so the server remembers them as verified.
    for used in [&laptop, &phone] {
        let (status, _) = answer(server.post("/api/me", Some(used), json!({})).await).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) = answer(
        server
            .post("/api/logout_all", Some(&phone), json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for old in [&laptop, &phone] {
        let (status, _) = answer(
            server
                .post("/api/update_name", Some(old), json!({"name": "X"}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(server.name_in_db(120).await, "John");
    let (status, _) = answer(server.post("/api/me", Some(&jack), json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "jack's sessions are untouched");
    let fresh = server.token_for("john").await;
    let (status, _) = answer(server.post("/api/me", Some(&fresh), json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "logging in again works");
}
