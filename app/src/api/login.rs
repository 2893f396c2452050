use super::ApiError;
use crate::{client::AuthClient, domain::User};
use leptos::{prelude::*, server_fn::codec::Json};
use serde::{Deserialize, Serialize};

/// What a successful login (or sign-up, or password change) returns: the
/// signed token and who it is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub user: User,
}

#[cfg(feature = "ssr")]
impl LoginResponse {
    /// A new login on this device: an access token for `holder`, and a
    /// refresh family whose first token goes into this answer's cookie.
    pub async fn start_session(
        state: &crate::state::AppState,
        holder: crate::users::CurrentUser,
    ) -> Result<Self, ApiError> {
        let grant = state.refresh.start(holder.user.id).await?;
        super::response::set_cookie(state.refresh.cookie(&grant));
        tracing::info!(user = %holder.user.id, family = %grant.family.id, "login started");
        Self::issue(state, holder)
    }

    /// Signs an access token for `holder`.
    pub fn issue(
        state: &crate::state::AppState,
        holder: crate::users::CurrentUser,
    ) -> Result<Self, ApiError> {
        let (token, claims) = state.tokens.issue(&holder)?;
        tracing::info!(user = %claims.sub, jti = %claims.jti, admin = claims.admin, "token issued");
        Ok(Self {
            token,
            user: holder.user,
        })
    }
}

/// `POST /api/login` `{"username","password"}` → `{"token","user"}`.
///
/// An unknown username and a wrong password get the same answer (401) after
/// the same work (one argon2id verify), so the answer doesn't reveal which
/// usernames exist. Too many failures answer 429 before any hashing.
#[server(prefix = "/api", endpoint = "login", input = Json, output = Json, client = AuthClient)]
pub async fn login(username: String, password: String) -> Result<LoginResponse, ApiError> {
    use crate::{
        domain::{Password, Username},
        state::AppState,
    };

    let state = AppState::from_context()?;
    let username = Username::parse(&username)?;
    let password = Password::parse(&password)?;
    let address = state.client_address();
    if let Some(wait) = state
        .throttle
        .blocked_for(address, username.as_str())
        .await?
    {
        tracing::warn!(%username, ?address, "login throttled after repeated failures");
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: wait.as_secs().max(1),
        });
    }

    let credentials = state.users.find_credentials(&username).await?;
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let verified = state
        .passwords
        .clone()
        .verify_off_thread(password, stored_hash)
        .await?;

    match credentials {
        Some(credentials) if verified => {
            state.throttle.record_success(address).await?;
            LoginResponse::start_session(&state, credentials.holder()).await
        }
        _ => {
            state
                .throttle
                .record_failure(address, username.as_str())
                .await?;
            tracing::info!(%username, ?address, "login refused: wrong username or password");
            Err(ApiError::InvalidCredentials)
        }
    }
}
