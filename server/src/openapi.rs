//! The OpenAPI 3.1 documents of the two services, at `GET /api/openapi.json`
//! on each: the contract a mobile app or a client generator reads.
//!
//! Written by hand (`openapi/*.json`): derive-based generators don't see
//! Leptos server functions. Tests keep them honest both ways: every route
//! the server registers is documented, and every documented operation is
//! answered by a route (`server/tests/openapi.rs`).

use axum::{http::header::CONTENT_TYPE, response::IntoResponse};

/// The main app's document.
pub const APP: &str = include_str!("openapi/app.json");
/// The favourites service's document.
pub const FAVORITES: &str = include_str!("openapi/favorites.json");

pub async fn app() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], APP)
}

pub async fn favorites() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], FAVORITES)
}
