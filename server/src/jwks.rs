//! `GET /.well-known/jwks.json`: the public keys other services verify
//! Photo Spots tokens with (RFC 7517). Public by design: a public key can
//! check a signature but not make one.

use app::{
    auth::keys::{JwkSet, PublicJwk},
    error::ApiError,
    state::AppState,
};
use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header::CACHE_CONTROL},
    response::{IntoResponse, Response},
};

pub async fn jwks(State(state): State<AppState>) -> Response {
    // Shared-secret mode has nothing that could be published safely.
    let Some(keys) = state.tokens.public_keys() else {
        return ApiError::NotFound.into_response();
    };
    let set = JwkSet {
        keys: keys.iter().map(PublicJwk::from).collect(),
    };
    let mut response = Json(set).into_response();
    let cache = format!("public, max-age={}", state.jwks_max_age.as_secs());
    if let Ok(value) = HeaderValue::from_str(&cache) {
        response.headers_mut().insert(CACHE_CONTROL, value);
    }
    response
}
