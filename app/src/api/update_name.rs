use crate::error::ApiError;
use crate::{client::AuthClient, domain::User};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/update_name` `{"name"}` with `Authorization: Bearer <token>` →
/// the updated user.
///
/// Whose name changes comes from the verified token only: the body has no
/// user id, and a token edited to name someone else fails verification.
#[server(prefix = "/api", endpoint = "update_name", input = Json, output = Json, client = AuthClient)]
pub async fn update_name(name: String) -> Result<User, ApiError> {
    use crate::{domain::UserName, state::AppState};

    let state = AppState::from_context()?;
    let auth = state.authenticated().await?;
    let name = UserName::parse(&name)?;
    let user = state
        .users
        .update_name(auth.user_id(), auth.token_version(), &name)
        .await?
        // The user was deleted or revoked this token since the check.
        .ok_or(ApiError::InvalidToken)?;
    tracing::info!(user = %user.id, jti = %auth.claims().jti, "name updated");
    Ok(user)
}
