//! `POST /api/recovery_link` `{"link","new_password"}`: the page an
//! operator's recovery link opens (`server users recovery-link USERNAME`,
//! see `auth::recovery::link`) sets a new password with it and every
//! session of the account ends. No sign-in: the link's secret is the proof.

use crate::client::AuthClient;
use crate::{error::ApiError, wire::RecoveryLinkUsed};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/recovery_link` `{"link": "<the secret after #>", "new_password"}`
/// → `{"username"}`: the password is replaced, every session and token of
/// the account ends, and the link is spent. A link that is unknown, used,
/// expired or replaced is 410 `invalid_recovery_link`; a guessable
/// password is 422 and leaves the link usable.
#[server(prefix = "/api", endpoint = "recovery_link", input = Json, output = Json, client = AuthClient)]
pub async fn use_recovery_link(
    link: String,
    new_password: String,
) -> Result<RecoveryLinkUsed, ApiError> {
    use crate::{
        auth::recovery::{LinkSecret, RecoveryLinks},
        domain::ActivityKind,
        state::AppState,
    };

    let state = AppState::from_context()?;
    let secret = LinkSecret::parse(link.trim()).ok_or(ApiError::InvalidRecoveryLink)?;
    let links = RecoveryLinks::on(state.users.pools().clone());
    let holder = links.holder(&secret).await?;
    let account = match holder {
        Some(id) => state.users.find_credentials_by_id(id).await?,
        None => None,
    };
    let Some(account) = account else {
        tracing::info!("recovery link refused: unknown, used or expired");
        return Err(ApiError::InvalidRecoveryLink);
    };
    if account.disabled {
        return Err(ApiError::AccountDisabled);
    }
    let user = account.user;
    let new =
        super::new_password::chosen(&new_password, (&user.username, &user.name), "new_password")
            .await?;
    let hash = state.passwords.clone().hash_off_thread(new).await?;
    if !links.spend(user.id, &secret).await? {
        return Err(ApiError::InvalidRecoveryLink);
    }
    // A new password with a new token version: every access token issued so
    // far is refused by the next request, and every refresh family ends.
    state
        .users
        .change_password(user.id, &hash)
        .await?
        .ok_or(ApiError::InvalidRecoveryLink)?;
    let sessions = state.refresh.end_all(user.id).await?;
    tracing::info!(user = %user.id, sessions, "password set with a recovery link; every session ended");
    state
        .activity
        .record(user.id, ActivityKind::RecoveryLinkUsed, "")
        .await;
    Ok(RecoveryLinkUsed {
        username: user.username.to_string(),
    })
}
