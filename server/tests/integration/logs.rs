//! Logs never contain passwords or whole tokens, at any level: a token is
//! logged by its `jti`, a refresh token by its family; every line of a
//! request names its request id.
//!
//! The server runs in its own process, logging at `trace` to its stdout,
//! which is read here: a log subscriber is process-wide, and the other
//! tests of this binary log too.

use crate::common;

use common::{ServerProcess, answer, claims_of};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// The log as text, without the colours a terminal would get.
fn text_of(log: &Mutex<Vec<u8>>) -> String {
    let raw = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    let mut plain = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            plain.push(c);
        }
    }
    plain
}

fn jti(token: &str) -> String {
    claims_of(token)["jti"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn logs_name_tokens_by_jti_and_never_show_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let env = [("RUST_LOG", "trace"), ("NO_COLOR", "1")];
    let server = ServerProcess::start_logging(dir.path(), &env, log.clone()).await;

    let (_, body) = answer(server.login("john", "john-password").await).await;
    let token = body["token"].as_str().unwrap().to_owned();
    server.login("john", "wrong-password-123").await;
    server.post("/api/me", Some(&token), json!({})).await;
    let refused = server
        .post(
            "/api/update_name",
            Some(&format!("{token}x")),
            json!({"name": "X"}),
        )
        .await;
    let refused_id = refused.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = json!({"current_password": "john-password", "new_password": "secret-new-password"});
    server
        .post("/api/change_password", Some(&token), body)
        .await;
    // An admin write, and a non-admin's attempt at one.
    let ada = server.token_for("ada").await;
    let spot = json!({"slug": "lake-bled", "name": "Lake Bled", "place": "Slovenia"});
    let added = server
        .post("/api/admin/spots", Some(&ada), spot.clone())
        .await;
    assert_eq!(added.status(), 201);
    let jack = server.token_for("jack").await;
    let refused = server.post("/api/admin/spots", Some(&jack), spot).await;
    assert_eq!(refused.status(), 403);
    // A refresh token renewed, then presented again (reuse).
    let login = server.login("jack", "jack-password").await;
    let set_cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let refresh = || {
        server
            .http
            .post(format!("{}/api/refresh", server.base))
            .header("cookie", &cookie)
            .header("x-photo-spots-csrf", "1")
            .send()
    };
    assert_eq!(refresh().await.unwrap().status(), 200);
    assert_eq!(refresh().await.unwrap().status(), 401);

    // The server writes its lines as it handles each request; the last
    // one's may trail its answer by a moment.
    let mut logs = text_of(&log);
    for _ in 0..100 {
        if logs.contains("spent refresh token") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        logs = text_of(&log);
    }
    let reuse = logs
        .lines()
        .find(|line| line.contains("WARN") && line.contains("spent refresh token"))
        .unwrap_or_else(|| panic!("reuse should be a warning: {logs}"));
    assert!(reuse.contains("user=121"), "{reuse}");
    assert!(
        logs.contains(&jti(&token)),
        "the token's jti should be logged: {logs}"
    );
    // Every admin write names the admin and the token that made it.
    let write = logs
        .lines()
        .find(|line| line.contains("spot added"))
        .unwrap_or_else(|| panic!("the admin write should be logged: {logs}"));
    assert!(
        write.contains("admin=122") && write.contains(&jti(&ada)),
        "{write}"
    );
    assert!(write.contains("spot=lake-bled"), "{write}");
    let refusal = logs
        .lines()
        .find(|line| line.contains("admin call refused"))
        .unwrap_or_else(|| panic!("the refusal should be logged: {logs}"));
    assert!(
        refusal.contains("user=121") && refusal.contains(&jti(&jack)),
        "{refusal}"
    );
    let refusal = logs
        .lines()
        .find(|line| {
            line.contains("request refused: bad or missing token") && line.contains(&refused_id)
        })
        .unwrap_or_else(|| panic!("the refusal's line should name request {refused_id}: {logs}"));
    assert!(refusal.contains("path=/api/update_name"), "{refusal}");
    let signature = token.rsplit('.').next().unwrap();
    let refresh_token = cookie.split_once('=').unwrap().1;
    let key = std::fs::read_to_string(dir.path().join("signing.pem")).unwrap();
    let key_body = key.lines().nth(1).unwrap();
    for secret in [
        refresh_token,
        "john-password",
        "wrong-password-123",
        "secret-new-password",
        signature,
        key_body,
    ] {
        assert!(
            !logs.contains(secret),
            "the logs contain {secret:?}:\n{logs}"
        );
    }
}
