//! Middleware for the JSON API under `/api`.
//!
//! [`with_http_status`]: Leptos answers every server function error with status 500 and the
//! error's JSON as the body. This layer turns that body back into an
//! [`ApiError`] and answers with `ApiError::into_response`, so the status
//! (401, 422, …) and headers come from the one mapping in `app::api`,
//! whether the error came from our code or from decoding a bad request body.

use app::{
    api::{ChangePassword, LogoutAll, MakeRecoveryCodes, Me, Reauth, ResetPassword, UpdateName},
    auth::Authenticated,
    error::ApiError,
    state::AppState,
};
use axum::{
    body::{Body, to_bytes},
    extract::State,
    http::{
        HeaderValue, Method, Request,
        header::{CONTENT_LENGTH, CONTENT_TYPE},
    },
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::server_fn::ServerFn;

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

/// Server functions that need a logged-in user (their paths come from
/// their definitions), and whether they take no arguments (so an empty body
/// means `{}`).
const PROTECTED: [(&str, bool); 7] = [
    (<Me as ServerFn>::PATH, true),
    (<LogoutAll as ServerFn>::PATH, true),
    (<UpdateName as ServerFn>::PATH, false),
    (<ChangePassword as ServerFn>::PATH, false),
    (<Reauth as ServerFn>::PATH, false),
    (<MakeRecoveryCodes as ServerFn>::PATH, true),
    (<ResetPassword as ServerFn>::PATH, false),
];

/// Checks the bearer token of a protected call before anything reads the
/// body, so a call without a valid token is 401 whatever its body holds.
/// The check (signature, claims, token version) is kept in the request for
/// the server function, which so doesn't repeat it.
pub async fn authenticate_first(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let Some(&(_, takes_no_arguments)) = PROTECTED
        .iter()
        .find(|(path, _)| *path == request.uri().path())
    else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let auth = match Authenticated::check(&parts, &state.tokens, &state.dpop, &state.users).await {
        Ok(auth) => auth,
        Err(error) => return error.into_response(),
    };
    parts.extensions.insert(auth);
    let body = if takes_no_arguments && is_empty(&parts.headers, &body) {
        // `curl -X POST` with no `-d`: the same as `{}`.
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        parts.headers.remove(CONTENT_LENGTH);
        Body::from("{}")
    } else {
        body
    };
    next.run(Request::from_parts(parts, body)).await
}

/// Server function arguments arrive as a JSON object. serde would also fill
/// them from an array, by position (`["Bob"]` as `{"name":"Bob"}`), which no
/// client of ours sends and no reader of the API expects: refused with 400.
pub async fn json_objects_only(request: Request<Body>, next: Next) -> Response {
    let is_json = request
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if request.method() != Method::POST || !is_json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, service_kit::security::MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) if service_kit::serve::is_body_timeout(&error) => {
            return ApiError::RequestTimeout.into_response();
        }
        Err(_) => return ApiError::TooLarge.into_response(),
    };
    match bytes.iter().find(|byte| !byte.is_ascii_whitespace()) {
        None | Some(b'{') => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Some(_) => {
            ApiError::BadRequest("The request body must be a JSON object.".into()).into_response()
        }
    }
}

fn is_empty(headers: &axum::http::HeaderMap, body: &Body) -> bool {
    use axum::body::HttpBody;
    let declared_empty = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "0");
    declared_empty || body.size_hint().exact() == Some(0)
}
