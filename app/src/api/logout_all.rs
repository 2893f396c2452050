use crate::client::AuthClient;
use crate::error::ApiError;
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/logout_all` with a bearer token → `null`: every token issued
/// to this user so far, on every device, stops working: the access tokens
/// at once here (the token version) and within one access-token lifetime
/// at other services; the refresh tokens at once.
#[server(prefix = "/api", endpoint = "logout_all", input = Json, output = Json, client = AuthClient)]
pub async fn logout_all() -> Result<(), ApiError> {
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let auth = state.authenticated().await?;
    state.users.bump_token_version(auth.user_id()).await?;
    let logins = state.refresh.end_all(auth.user_id()).await?;
    super::response::set_cookie(state.refresh.clear_cookie());
    tracing::info!(user = %auth.user_id(), logins, "logged out everywhere");
    state
        .activity
        .record(
            auth.user_id(),
            crate::domain::ActivityKind::LoggedOutEverywhere,
            "",
        )
        .await;
    Ok(())
}
