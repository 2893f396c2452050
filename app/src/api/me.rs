use crate::error::ApiError;
use crate::{client::AuthClient, domain::User};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/me` with `Authorization: Bearer <token>` → the user, as the
/// database has them now.
#[server(prefix = "/api", endpoint = "me", input = Json, output = Json, client = AuthClient)]
pub async fn me() -> Result<User, ApiError> {
    use crate::state::AppState;

    // The check already read the user (a token for a user who no longer
    // exists is refused there): nothing more to ask the database.
    let auth = AppState::from_context()?.authenticated().await?;
    Ok(auth.user().clone())
}
