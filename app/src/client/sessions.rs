//! The signed-in person's sessions from the browser: the list, and ending
//! one or every other (see `server/src/sessions.rs`).

use super::calls::{Body, send, send_unread};
use crate::{
    error::ApiError,
    wire::{Sessions, SessionsEnded},
};

/// Every live session, this one marked `current`, the most recently used first.
pub async fn list() -> Result<Sessions, ApiError> {
    send("GET", "/api/sessions", Body::None).await
}

/// Ends session `id`: that device is signed out at once.
pub async fn end(id: String) -> Result<(), ApiError> {
    send_unread("DELETE", &format!("/api/sessions/{id}"), Body::None).await
}

/// Ends every session but this one; says how many ended.
pub async fn end_others() -> Result<u64, ApiError> {
    let ended: SessionsEnded = send("DELETE", "/api/sessions/others", Body::None).await?;
    Ok(ended.ended)
}

/// A page of the security activity, newest first: the first page, or the
/// one older than event `before`.
pub async fn activity(before: Option<i64>) -> Result<crate::wire::Activity, ApiError> {
    let url = match before {
        Some(id) => format!("/api/activity?before={id}"),
        None => "/api/activity".to_owned(),
    };
    send("GET", &url, Body::None).await
}
