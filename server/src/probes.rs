//! `GET /api/ready`: whether this instance should get traffic now. Liveness
//! stays `/api/health` (the process answers); readiness also asks the
//! database, so a load balancer stops sending requests to an instance that
//! would only answer 503, and sends them again once it recovers.

use app::{
    error::{ApiError, Outage},
    state::AppState,
};
use axum::{Json, extract::State};
use serde::Serialize;

#[derive(Serialize)]
pub struct Ready {
    status: &'static str,
    /// Keys tokens may be verified with now: the signing key and any
    /// upcoming or retired ones (none in shared-secret mode). Start-up
    /// refuses to serve without a signing key, so there is always one here.
    signing_keys: usize,
}

pub async fn ready(State(state): State<AppState>) -> Result<Json<Ready>, ApiError> {
    state.users.pools().ping().await.map_err(|error| {
        tracing::warn!(%error, "not ready: the database does not answer");
        ApiError::Unavailable(Outage::Database)
    })?;
    let signing_keys = state.tokens.public_keys().map_or(0, |keys| keys.len());
    Ok(Json(Ready {
        status: "ready",
        signing_keys,
    }))
}
