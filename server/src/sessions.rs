//! The caller's sessions: where they are signed in, and ending them.
//!
//! - `GET /api/sessions`: every live session of the caller, the one the
//!   call came from marked `"current": true`;
//! - `DELETE /api/sessions/{id}`: ends one (a lost phone): its refresh
//!   cookie and its access tokens are refused from that moment; another
//!   user's id, an ended or unknown one is 404 and changes nothing;
//! - `DELETE /api/sessions/others`: ends every session but this one.
//!
//! A session is a refresh family (see `app::auth::refresh`); its id is the
//! `sid` claim of its tokens.

use app::{
    auth::{Authenticated, refresh::is_family_id},
    error::ApiError,
    state::AppState,
    wire::{Sessions, SessionsEnded},
};
use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, get},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sessions", get(list))
        .route("/api/sessions/others", delete(end_others))
        .route("/api/sessions/{id}", delete(end_one))
}

async fn list(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Sessions>, ApiError> {
    let sessions = state
        .refresh
        .sessions(auth.user_id(), &auth.claims().sid)
        .await?;
    Ok(Json(Sessions { sessions }))
}

async fn end_one(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    // No session has such an id (and PostgreSQL refuses some text, NUL
    // bytes among them, as a parameter): 404 without a database call.
    if !is_family_id(&id) {
        return Err(ApiError::NoSuchSession);
    }
    state.refresh.end_session(auth.user_id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn end_others(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<SessionsEnded>, ApiError> {
    let ended = state
        .refresh
        .end_others(auth.user_id(), &auth.claims().sid)
        .await?;
    Ok(Json(SessionsEnded { ended }))
}
