//! Middleware for the JSON API under `/api`.
//!
//! [`with_http_status`]: Leptos answers every server function error with status 500 and the
//! error's JSON as the body. This layer turns that body back into an
//! [`ApiError`] and answers with `ApiError::into_response`, so the status
//! (401, 422, …) and headers come from the one mapping in `app::api`,
//! whether the error came from our code or from decoding a bad request body.

use app::api::ApiError;
use axum::{
    body::{Body, to_bytes},
    http::{HeaderValue, Request, header::CACHE_CONTROL},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Set by `server_fn` on error answers.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
/// Error bodies are a short JSON object; anything larger is not one of ours.
const MAX_ERROR_BODY_BYTES: usize = 16 * 1024;

pub async fn with_http_status(request: Request<Body>, next: Next) -> Response {
    let response = next.run(request).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let body = to_bytes(response.into_body(), MAX_ERROR_BODY_BYTES).await;
    let error = body
        .ok()
        .and_then(|bytes| serde_json::from_slice::<ApiError>(&bytes).ok())
        .unwrap_or(ApiError::Internal);
    error.into_response()
}

/// API answers (tokens, user data) are private to one caller and one moment:
/// no browser or proxy may keep a copy.
pub async fn no_store(request: Request<Body>, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if is_api {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
