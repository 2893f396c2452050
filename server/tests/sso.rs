//! Sessions vs tokens: a second service that only holds the verification key
//! accepts tokens issued by Photo Spots (the "bank and retirement server").

mod common;

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

#[tokio::test]
async fn second_service_with_the_same_key_accepts_the_login_token() {
    let photo_spots = TestServer::start().await;
    let token = photo_spots.token_for("john").await;
    let retirement = retirement_server(SECRET).await;
    let response = reqwest::Client::new()
        .get(format!("{retirement}/pension"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"owner": 120})
    );
}

#[tokio::test]
async fn second_service_with_another_key_refuses_it() {
    let photo_spots = TestServer::start().await;
    let token = photo_spots.token_for("john").await;
    let other = retirement_server("a-different-secret-for-another-company").await;
    let response = reqwest::Client::new()
        .get(format!("{other}/pension"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
