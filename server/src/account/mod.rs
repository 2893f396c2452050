//! The caller's account as a whole:
//!
//! - `DELETE /api/account` with `{"username": …}` (typed by the person, as
//!   they mean it; another name is 422 and changes nothing): deletes it,
//!   with everything of theirs (see
//!   `UserStore::delete_account`), and tells the other services through the
//!   security events outbox (`security_events`). 204, the refresh cookie
//!   cleared; every token and session of theirs is refused from then on.
//! - `GET /api/account/export`: what Photo Spots holds about them, as a
//!   JSON download (`export`).
//!
//! Both need a recent sign-in (step-up): an older one is 401 with RFC
//! 9470's `insufficient_user_authentication`, and nothing happens.

mod export;

use crate::{json_body::JsonBody, security_events::EVENT_RECEIVERS};
use app::{auth::Authenticated, clock::unix_now, error::ApiError, state::AppState};
use axum::{
    Router,
    extract::State,
    http::{StatusCode, header::SET_COOKIE},
    response::{IntoResponse, Response},
    routing::{delete, get},
};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/account", delete(delete_account))
        .route("/api/account/export", get(export::download))
}

/// `{"username": …}`: the person types their username to say they mean it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Confirmation {
    username: String,
}

async fn delete_account(
    auth: Authenticated,
    State(state): State<AppState>,
    JsonBody(confirmation): JsonBody<Confirmation>,
) -> Result<Response, ApiError> {
    auth.require_recent_sign_in(state.step_up_max_age)?;
    if confirmation.username.trim() != auth.user().username.as_str() {
        return Err(ApiError::Validation {
            field: "username".into(),
            message: "That is not your username. Type it exactly to delete your account.".into(),
        });
    }
    let deleted = state
        .users
        .delete_account(auth.user_id(), EVENT_RECEIVERS, unix_now())
        .await?
        // Deleted meanwhile (another tab): the token is no one's now.
        .ok_or(ApiError::InvalidToken)?;
    metrics::counter!("photo_spots_accounts_deleted_total", "by" => "owner").increment(1);
    tracing::info!(user = %deleted.id, "account deleted by its owner");
    state.security_events.notify_one();
    Ok((
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, state.refresh.clear_cookie())],
    )
        .into_response())
}
