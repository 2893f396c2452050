use super::ApiError;
use crate::{client::AuthClient, domain::User};
use leptos::{prelude::*, server_fn::codec::Json};
use serde::{Deserialize, Serialize};

/// What a successful login returns: the signed token and who it is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub user: User,
}

/// `POST /api/login` `{"username","password"}` → `{"token","user"}`.
///
/// An unknown username and a wrong password get the same answer (401) after
/// the same work (one argon2id verify), so the answer doesn't reveal which
/// usernames exist.
#[server(prefix = "/api", endpoint = "login", input = Json, output = Json, client = AuthClient)]
pub async fn login(username: String, password: String) -> Result<LoginResponse, ApiError> {
    use crate::{
        domain::{Password, Username},
        state::AppState,
    };

    let state = AppState::from_context()?;
    let username = Username::parse(&username)?;
    let password = Password::parse(&password)?;
    let credentials = state.users.find_credentials(&username).await?;

    let passwords = state.passwords.clone();
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.clone());
    // Argon2 is deliberately slow: keep it off the async worker threads.
    let verified =
        tokio::task::spawn_blocking(move || passwords.verify(&password, stored_hash.as_deref()))
            .await
            .map_err(|_| ApiError::Internal)?;

    match credentials {
        Some(credentials) if verified => {
            let (token, claims) = state.tokens.issue(&credentials.user)?;
            tracing::info!(user = %claims.sub, jti = %claims.jti, "logged in");
            Ok(LoginResponse {
                token,
                user: credentials.user,
            })
        }
        _ => {
            tracing::info!(%username, "login refused: wrong username or password");
            Err(ApiError::InvalidCredentials)
        }
    }
}
