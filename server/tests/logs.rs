//! Logs never contain passwords or whole tokens: a token is logged by its `jti`.

mod common;

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
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .init();

    let server = TestServer::start().await;
    let (_, body) = answer(server.login("john", "john-password").await).await;
    let token = body["token"].as_str().unwrap().to_owned();
    server.login("john", "wrong-password-123").await;
    server.post("/api/me", Some(&token), json!({})).await;
    server
        .post(
            "/api/update_name",
            Some(&format!("{token}x")),
            json!({"name": "X"}),
        )
        .await;
    let body = json!({"current_password": "john-password", "new_password": "secret-new-password"});
    server
        .post("/api/change_password", Some(&token), body)
        .await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let jti = server.tokens().verify(&token).unwrap().jti;
    assert!(
        logs.contains(&jti),
        "the token's jti should be logged: {logs}"
    );
    let signature = token.rsplit('.').next().unwrap();
    for secret in [
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
