use crate::client::AuthClient;
use crate::{error::ApiError, wire::LoginResponse};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/reauth` `{"password"}` with a token → a fresh
/// `{"token","token_type","user"}`: "confirm it's you" (step-up).
///
/// The new token belongs to the same session (`sid`), is bound to the same
/// DPoP key, says the same `amr`, and carries a fresh `auth_time`, which the
/// sensitive calls look at (RFC 9470). The session's later renewals keep
/// it. A wrong password is 403 and counts in the login throttle, by
/// address and username, as a wrong login does (then 429).
#[server(prefix = "/api", endpoint = "reauth", input = Json, output = Json, client = AuthClient)]
pub async fn reauth(password: String) -> Result<LoginResponse, ApiError> {
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let auth = state.authenticated().await?;
    let username = auth.user().username.clone();
    let address = state.client_address();
    super::login::refuse_if_throttled(&state, address, &username, "confirmation").await?;
    let credentials = match super::current_password::proven(&state, auth.user_id(), &password).await
    {
        Err(ApiError::WrongPassword) => {
            state
                .throttle
                .record_failure(address, username.as_str())
                .await?;
            let how = "wrong password when confirming it's you";
            super::login::record_failed_sign_in(&state, auth.user_id(), how).await;
            tracing::info!(%username, ?address, "re-authentication refused: wrong password");
            return Err(ApiError::WrongPassword);
        }
        other => other?,
    };
    state.throttle.record_success(address).await?;
    confirmed(&state, &auth, credentials.holder(), "with a password").await
}

/// The person behind `auth`'s session has just proved who they are (`how`):
/// the session records it, and its new token says so (a fresh `auth_time`;
/// the same `sid`, `amr` and DPoP key).
#[cfg(feature = "ssr")]
pub async fn confirmed(
    state: &crate::state::AppState,
    auth: &crate::auth::Authenticated,
    holder: crate::users::CurrentUser,
    how: &str,
) -> Result<LoginResponse, ApiError> {
    let sid = auth.claims().sid.as_str();
    let login = crate::auth::SignIn {
        method: auth.claims().amr,
        jkt: auth.bound_key(),
        auth_time: crate::clock::unix_now(),
    };
    state
        .refresh
        .reauthenticated(auth.user_id(), sid, login.auth_time)
        .await?;
    tracing::info!(user = %auth.user_id(), family = %sid, how, "confirmed it's them (step-up)");
    state
        .activity
        .record(
            auth.user_id(),
            crate::domain::ActivityKind::ConfirmedItsYou,
            how,
        )
        .await;
    super::login::issue_access_token(state, holder, &login, sid)
}
