use crate::client::AuthClient;
use crate::{error::ApiError, wire::LoginResponse};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/change_password` `{"current_password","new_password"}` with a
/// bearer token → a fresh `{"token","user"}`.
///
/// Every token issued before (on every device) stops working, refresh
/// tokens included; this device gets a new login. A wrong
/// current password is 403 and changes nothing; a sign-in older than
/// `STEP_UP_MAX_AGE_SECONDS` is 401 `insufficient_user_authentication`.
#[server(prefix = "/api", endpoint = "change_password", input = Json, output = Json, client = AuthClient)]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<LoginResponse, ApiError> {
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let auth = state.recently_authenticated().await?;
    let credentials =
        super::current_password::proven(&state, auth.user_id(), &current_password).await?;
    let account = (&credentials.user.username, &credentials.user.name);
    let new = super::new_password::chosen(&new_password, account, "new_password").await?;
    let holder = credentials.holder();
    let hash = state.passwords.clone().hash_off_thread(new).await?;
    let version = state
        .users
        .change_password(auth.user_id(), &hash)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    let logins = state.refresh.end_all(auth.user_id()).await?;
    tracing::info!(user = %auth.user_id(), logins, "password changed; older tokens revoked");
    state
        .activity
        .record(
            auth.user_id(),
            crate::domain::ActivityKind::PasswordChanged,
            "",
        )
        .await;
    let holder = crate::users::CurrentUser {
        token_version: version,
        ..holder
    };
    // This device's new login is bound to the key its current one was
    // (the call's proof was checked against it); the person has just
    // proved their password.
    let jkt = auth.claims().cnf.as_ref().map(|cnf| cnf.jkt.clone());
    super::login::start_session(&state, holder, crate::auth::SignIn::password(jkt)).await
}
