//! Sessions vs tokens: a second service that only holds the verification key
//! accepts tokens issued by Photo Spots (the "bank and retirement server").

use crate::common;

use app::auth::{JwtSecret, TokenService, VerifiedClaims};
use axum::{Json, Router, routing::get};
use common::{SECRET, TestServer};
use serde_json::{Value, json};
use std::{sync::Arc, time::Duration};

/// The retirement server: no database of sessions, just the shared key.
async fn retirement_server(secret: &str) -> String {
    let tokens = Arc::new(TokenService::new(
        &JwtSecret::new(secret).unwrap(),
        Duration::from_secs(3600),
    ));
    let app = Router::new()
        .route(
            "/pension",
            get(|VerifiedClaims(claims): VerifiedClaims| async move {
                Json(json!({"owner": claims.sub.get()}))
            }),
        )
        .with_state(tokens);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// John logs in at Photo Spots, then asks a retirement server holding `secret` for his pension.
async fn ask_for_pension(secret: &str) -> (u16, Value) {
    let photo_spots = TestServer::start().await;
    let token = photo_spots.token_for("john").await;
    let retirement = retirement_server(secret).await;
    let response = reqwest::Client::new()
        .get(format!("{retirement}/pension"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn second_service_with_the_same_key_accepts_the_login_token() {
    assert_eq!(ask_for_pension(SECRET).await, (200, json!({"owner": 120})));
}

#[tokio::test]
async fn second_service_with_another_key_refuses_it() {
    let (status, body) = ask_for_pension("a-different-secret-for-another-company").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_token");
}
