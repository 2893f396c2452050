//! The caller's sessions: where they are signed in, and ending them.
//!
//! - `GET /api/sessions`: every live session of the caller, the one the
//!   call came from marked `"current": true`;
//! - `DELETE /api/sessions/{id}`: ends one (a lost phone): its refresh
//!   cookie and its access tokens are refused from that moment; another
//!   user's id, an ended or unknown one is 404 and changes nothing;
//! - `DELETE /api/sessions/others`: ends every session but this one;
//! - `GET /api/activity?before=ID`: the caller's security activity, newest
//!   first, a page at a time.
//!
//! A session is a refresh family (see `app::auth::refresh`); its id is the
//! `sid` claim of its tokens.

use app::{
    auth::{Authenticated, refresh::is_family_id},
    domain::ActivityKind,
    error::ApiError,
    state::AppState,
    wire::{Activity, Sessions, SessionsEnded},
};
use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    routing::{delete, get},
};
use std::collections::HashMap;

/// Events a page of activity holds.
const ACTIVITY_PAGE: u32 = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sessions", get(list))
        .route("/api/sessions/others", delete(end_others))
        .route("/api/sessions/{id}", delete(end_one))
        .route("/api/activity", get(activity))
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
    let label = state.refresh.end_session(auth.user_id(), &id).await?;
    state
        .activity
        .record(auth.user_id(), ActivityKind::SessionEnded, &label)
        .await;
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
    let detail = format!("{ended} session(s)");
    state
        .activity
        .record(auth.user_id(), ActivityKind::OtherSessionsEnded, &detail)
        .await;
    Ok(Json(SessionsEnded { ended }))
}

async fn activity(
    auth: Authenticated,
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<Activity>, ApiError> {
    let bad = || ApiError::BadRequest("before must be a whole number above 0.".into());
    let Query(query) = query.map_err(|_| bad())?;
    let before = match query.get("before") {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(bad)?,
        ),
    };
    let events = state
        .activity
        .page(auth.user_id(), before, ACTIVITY_PAGE)
        .await?;
    let full = events.len() == ACTIVITY_PAGE as usize;
    let next = events.last().filter(|_| full).map(|oldest| oldest.id);
    Ok(Json(Activity { events, next }))
}
