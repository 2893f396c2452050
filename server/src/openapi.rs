//! The app's OpenAPI 3.1 document, at `GET /api/openapi.json` (the
//! favourites service serves its own): the contract a mobile app or a
//! client generator reads.
//!
//! Written by hand (`openapi/*.json`): derive-based generators don't see
//! Leptos server functions. Tests keep them honest both ways: every route
//! the server registers is documented, and every documented operation is
//! answered by a route (`server/tests/integration/openapi.rs`).

use axum::{
    http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE},
    response::IntoResponse,
};

/// The main app's document.
pub const APP: &str = include_str!("openapi/app.json");

pub async fn app() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], APP)
}

/// `/api/docs`: a viewer that renders the document and sends requests from
/// the browser (self-hosted: no CDN). Its own policy lets it run its script
/// and call this origin, and nothing else.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; \
     base-uri 'none'";

pub async fn docs() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CONTENT_SECURITY_POLICY, DOCS_CSP),
        ],
        include_str!("openapi/docs.html"),
    )
}

pub async fn docs_script() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("openapi/docs.js"),
    )
}

pub async fn docs_style() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("openapi/docs.css"),
    )
}
