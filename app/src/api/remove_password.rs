use crate::client::AuthClient;
use crate::{error::ApiError, wire::LoginResponse};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/remove_password` `{"current_password"}` with a token → a
/// fresh `{"token","user"}`: from now on the person signs in with their
/// passkeys only.
///
/// Needs the current password (so a borrowed session can't do it) and at
/// least one passkey: without one it is 409 `last_sign_in_method` and
/// nothing changes. Like a password change, every older token (on every
/// device, refresh tokens included) stops working; this device gets a new
/// login.
#[server(prefix = "/api", endpoint = "remove_password", input = Json, output = Json, client = AuthClient)]
pub async fn remove_password(current_password: String) -> Result<LoginResponse, ApiError> {
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let auth = state.recently_authenticated().await?;
    let holder = super::current_password::proven(&state, auth.user_id(), &current_password)
        .await?
        .holder();
    let version = state.passkeys.remove_password(auth.user_id()).await?;
    let logins = state.refresh.end_all(auth.user_id()).await?;
    tracing::info!(user = %auth.user_id(), logins, "older tokens revoked after the password went");
    state
        .activity
        .record(
            auth.user_id(),
            crate::domain::ActivityKind::PasswordRemoved,
            "",
        )
        .await;
    let holder = crate::users::CurrentUser {
        token_version: version,
        ..holder
    };
    // This device's login goes on as it began (its `amr`, its DPoP key).
    let login = crate::auth::SignIn::now(auth.claims().amr, auth.bound_key());
    super::login::start_session(&state, holder, login).await
}
