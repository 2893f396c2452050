//! Security headers and request limits.

use crate::common;

use common::{TestServer, answer};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn pages_carry_a_nonce_csp_that_matches_their_scripts() {
    let server = TestServer::start().await;
    let response = server.get("/login", None).await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();

    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(nonce.len() >= 16, "{csp}");
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "{html}");
    let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(
        with_nonce >= scripts,
        "{scripts} scripts, {with_nonce} nonces: {html}"
    );

    let again = server.get("/login", None).await;
    let csp_again = again.headers()["content-security-policy"].to_str().unwrap();
    assert_ne!(csp, csp_again, "each response gets a fresh nonce");
}

#[tokio::test]
async fn every_response_has_the_hardening_headers() {
    let server = TestServer::start().await;
    let page = server.get("/", None).await;
    let api = server.post("/api/me", None, json!({})).await;
    for response in [&page, &api] {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert!(headers.contains_key("content-security-policy"));
    }
    assert!(
        api.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
}

#[tokio::test]
async fn oversized_bodies_are_413_and_the_server_stays_up() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    let huge = "x".repeat(64 * 1024);
    let (status, body) = answer(
        server
            .post("/api/update_name", Some(&token), json!({"name": huge}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"], "too_large");
    assert_eq!(server.name_in_db(120).await, "John");
    let (status, _) = answer(server.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_overlong_authorization_header_is_401() {
    let server = TestServer::start().await;
    let long = format!(
        "{}.{}.{}",
        "a".repeat(3000),
        "b".repeat(3000),
        "c".repeat(3000)
    );
    let (status, _) = answer(server.post("/api/me", Some(&long), json!({})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The page may call the favourites service and nothing else new: its
/// origin is added to `connect-src` only, and named in the page for the
/// scripts.
#[tokio::test]
async fn pages_may_connect_to_the_favourites_service_only() {
    let server =
        TestServer::start_with(&[("FAVORITES_URL", "https://favorites.example:8443/")]).await;
    let response = server.get("/", None).await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(name))
            .unwrap_or_default()
            .to_owned()
    };
    // Plus, in development only, cargo-leptos' live-reload socket.
    assert_eq!(
        directive("connect-src"),
        "connect-src 'self' https://favorites.example:8443 ws://127.0.0.1:3001 ws://localhost:3001"
    );
    assert!(
        !directive("script-src").contains("favorites.example"),
        "{csp}"
    );
    assert_eq!(directive("default-src"), "default-src 'self'");
    assert!(
        html.contains(
            r#"<meta name="photo-spots:favorites-url" content="https://favorites.example:8443">"#
        ),
        "{html}"
    );
}
