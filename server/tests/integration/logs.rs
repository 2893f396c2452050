//! Logs never contain passwords or whole tokens, at any level: a token is
//! logged by its `jti`, a refresh token by its family; every line of a
//! request names its request id.

use crate::common;

use common::{TestServer, answer};
use serde_json::json;
use std::{
    io::Write,
    sync::{Arc, Mutex},
};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_name_tokens_by_jti_and_never_show_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    // This thread's subscriber, not the process's: the other tests of this
    // binary log too. `#[tokio::test]` runs the server's tasks on this
    // thread.
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start().await;
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

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let reuse = logs
        .lines()
        .find(|line| line.contains("WARN") && line.contains("spent refresh token"))
        .unwrap_or_else(|| panic!("reuse should be a warning: {logs}"));
    assert!(reuse.contains("user=121"), "{reuse}");
    let jti = server.tokens().verify(&token).unwrap().jti;
    assert!(
        logs.contains(&jti),
        "the token's jti should be logged: {logs}"
    );
    // Every admin write names the admin and the token that made it.
    let ada_jti = server.tokens().verify(&ada).unwrap().jti;
    let write = logs
        .lines()
        .find(|line| line.contains("spot added"))
        .unwrap_or_else(|| panic!("the admin write should be logged: {logs}"));
    assert!(
        write.contains("admin=122") && write.contains(&ada_jti),
        "{write}"
    );
    assert!(write.contains("spot=lake-bled"), "{write}");
    let jack_jti = server.tokens().verify(&jack).unwrap().jti;
    let refusal = logs
        .lines()
        .find(|line| line.contains("admin call refused"))
        .unwrap_or_else(|| panic!("the refusal should be logged: {logs}"));
    assert!(
        refusal.contains("user=121") && refusal.contains(&jack_jti),
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
    for secret in [
        refresh_token,
        "john-password",
        "wrong-password-123",
        "secret-new-password",
        signature,
        common::SECRET,
    ] {
        assert!(
            !logs.contains(secret),
            "the logs contain {secret:?}:\n{logs}"
        );
    }
}
