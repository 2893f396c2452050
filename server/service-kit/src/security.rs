//! Headers and limits every response and request gets.
//!
//! The token lives in localStorage, where any script running on the page can
//! read it. The Content-Security-Policy is what keeps injected script from
//! running at all: pages set a per-response policy allowing only scripts
//! from this origin and inline scripts carrying that response's nonce (see
//! `app::security`); everything else gets the strictest policy.

use axum::{
    Router,
    body::Body,
    http::{HeaderName, HeaderValue, Request, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use photo_spots_core::error::ApiError;
use tower::ServiceBuilder;
use tower_http::{limit::RequestBodyLimitLayer, set_header::SetResponseHeaderLayer};

/// Largest request body accepted. Every Photo Spots request is a small JSON
/// object; this keeps a client from making the server buffer megabytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// For responses that didn't set their own policy (API answers, files).
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Security headers for every answer, and `max_body` bytes at most per request body.
pub fn harden(router: Router, max_body: usize) -> Router {
    let always = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    // Outermost first, in one stack applied once (see `request_id::layer`):
    // the JSON mapping sees the limit's 413.
    router.layer(
        ServiceBuilder::new()
            .layer(always(header::REFERRER_POLICY, "no-referrer"))
            .layer(always(header::X_FRAME_OPTIONS, "DENY"))
            .layer(always(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DEFAULT_CSP),
            ))
            .layer(middleware::from_fn(too_large_as_json))
            .layer(RequestBodyLimitLayer::new(max_body)),
    )
}

/// Whether an answer is already one of our JSON bodies.
pub fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"))
}

/// The body limit answers 413 in plain text; API callers get our JSON error
/// (413s that already are one, such as a photo's, stay as they are).
async fn too_large_as_json(request: Request<Body>, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json(&response) {
        return ApiError::TooLarge.into_response();
    }
    response
}

/// API answers (tokens, user data) are private to one caller and one moment:
/// no browser or proxy may keep a copy.
pub async fn no_store(request: Request<Body>, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if is_api {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
