use super::ApiError;
use crate::{client::AuthClient, domain::User};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/me` with `Authorization: Bearer <token>` → the user, as the
/// database has them now.
#[server(prefix = "/api", endpoint = "me", input = Json, output = Json, client = AuthClient)]
pub async fn me() -> Result<User, ApiError> {
    use crate::{auth::Authenticated, state::AppState};

    let auth = Authenticated::from_server_fn_context().await?;
    let state = AppState::from_context()?;
    // A valid token for a user who no longer exists is no session at all.
    state
        .users
        .find_by_id(auth.user_id())
        .await?
        .ok_or(ApiError::InvalidToken)
}
