//! The favourites API:
//! - `GET /api/favorites` → `{"spots":["kirkjufell",…]}`
//! - `PUT /api/favorites/{spot}` → 204 (idempotent)
//! - `DELETE /api/favorites/{spot}` → 204 (idempotent)
//! - `POST /api/security-events` ← the main app's Security Event Tokens
//!   (RFC 8935 push; see `security_events`)
//! - `GET /api/health` → `"ok"`
//!
//! Every favourites call needs `Authorization: Bearer <Photo Spots token>`,
//! or for a bound token `Authorization: DPoP <token>` and a `DPoP` proof;
//! both are checked before anything else in the request is looked at.

use crate::{
    caller::Caller,
    security_events,
    state::ServiceState,
    store::{self, FavoritesStoreError},
};
use axum::{
    Json, Router,
    body::Body,
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderName, HeaderValue, Method, Request, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use photo_spots_core::{
    domain::{SpotSlug, ValidationError},
    error::{ApiError, Outage},
};
use serde::Serialize;
use service_kit::{metrics, request_id, security};
use std::{sync::Arc, time::Duration};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// This service's OpenAPI 3.1 document, written by hand like the app's
/// (`server/tests/integration/openapi.rs` checks it against the routes).
pub const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// No favourites call has a body; a security event is a short JWT.
const MAX_BODY_BYTES: usize = identity::auth::security_event::MAX_SET_BYTES;
/// All request headers together; a token is well under 1 KiB.
const MAX_HEADER_BYTES: usize = 8 * 1024;

#[derive(Serialize)]
struct Favorites<'a> {
    spots: &'a [SpotSlug],
}

pub fn router(state: ServiceState, allowed_origins: &[String]) -> Router {
    let router = Router::new()
        .route("/api/favorites", get(list))
        .route(
            "/api/favorites/{spot}",
            axum::routing::put(add).delete(remove),
        )
        .route(
            "/api/security-events",
            axum::routing::post(security_events::receive),
        )
        .route("/api/health", get(|| async { Json("ok") }))
        .route("/api/ready", get(ready))
        .route("/api/openapi.json", get(openapi))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::from_fn(security::no_store))
        .with_state(state);
    // No proxy's request id is believed here: the service makes its own.
    request_id::layer(security::harden(router, MAX_BODY_BYTES), Arc::from([]))
        .layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn(limit_headers))
        .layer(cors(allowed_origins))
}

/// Readiness: its database answers and it holds the main app's keys.
async fn ready(State(state): State<ServiceState>) -> Result<Json<&'static str>, ApiError> {
    state.store.ping().await.map_err(|error| {
        tracing::warn!(%error, "not ready: the favourites database does not answer");
        ApiError::Unavailable(Outage::Database)
    })?;
    if state.jwks.as_ref().is_some_and(|jwks| !jwks.has_keys()) {
        return Err(ApiError::Unavailable(Outage::SigningKeys));
    }
    Ok(Json("ready"))
}

async fn list(
    Caller(user): Caller,
    State(state): State<ServiceState>,
) -> Result<Response, ApiError> {
    let spots = state.store.list(user).await?;
    Ok(Json(Favorites { spots: &spots }).into_response())
}

async fn add(
    Caller(user): Caller,
    State(state): State<ServiceState>,
    spot: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let spot = slug(spot)?;
    match state.store.add(user, &spot).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(FavoritesStoreError::Full) => Err(ApiError::Validation {
            field: "spot".into(),
            message: format!(
                "You can keep up to {} favourite spots. Remove one first.",
                store::MAX_FAVORITES_PER_USER
            ),
        }),
        Err(FavoritesStoreError::Database(error)) => Err(error.into()),
    }
}

async fn remove(
    Caller(user): Caller,
    State(state): State<ServiceState>,
    spot: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let spot = slug(spot)?;
    state.store.remove(user, &spot).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A bad slug is the caller's mistake (400), whatever made it bad.
fn slug(raw: Result<Path<String>, PathRejection>) -> Result<SpotSlug, ApiError> {
    let message = ValidationError::SpotSlug.to_string();
    let Path(raw) = raw.map_err(|_| ApiError::BadRequest(message.clone()))?;
    SpotSlug::parse(&raw).map_err(|_| ApiError::BadRequest(message))
}

/// Browsers on the main app's origin may call; the token travels in a
/// header, so no cookies and no credentials mode. The `DPoP` proof is a
/// request header too, and the page must read the refusal's
/// `WWW-Authenticate` to tell a bad proof from an expired token.
fn cors(allowed_origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = allowed_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, HeaderName::from_static("dpop")])
        .expose_headers([header::WWW_AUTHENTICATE])
        .max_age(Duration::from_secs(600))
}

async fn limit_headers(request: Request<Body>, next: Next) -> Response {
    let size: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if size > MAX_HEADER_BYTES {
        return ApiError::HeadersTooLarge.into_response();
    }
    next.run(request).await
}
