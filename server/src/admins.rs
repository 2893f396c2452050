//! An operator's commands for one account, with the same configuration as
//! the server:
//! - `server users grant-admin USERNAME` and `revoke-admin USERNAME`: who
//!   may use the admin area. Granting takes effect at the user's next login
//!   (the token's `admin` claim is copied from the database then); revoking
//!   also refuses every token issued to them so far, on every instance, at once.
//! - `server users disable USERNAME` and `enable USERNAME`: a disabled
//!   account's sign-ins are refused with a message saying so, and its
//!   tokens and sessions end at once;
//! - `server users delete USERNAME --yes`: the account and everything of
//!   theirs, as its owner can from the data page;
//! - `server users logout USERNAME`: every token and session ends at once
//!   (a stolen laptop, when its owner can't sign in to do it);
//! - `server users recovery-link USERNAME`: a one-use link, valid 15
//!   minutes, to a page where they set a new password themselves (their
//!   sessions then end): the support path when nothing else is left.

use crate::{Config, StartError};
use app::{
    auth::{
        recovery::{LinkSecret, RecoveryLinks, link::LIFETIME_SECS},
        refresh::RefreshStore,
    },
    clock::unix_now_i64,
    domain::{ActivityKind, UserId, Username},
    users::{ActivityLog, UserStore},
};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AdminError {
    #[error("{0}")]
    BadUsername(#[from] app::domain::ValidationError),
    #[error("there is no user named {0:?}")]
    NoSuchUser(String),
    #[error("{0}'s account is disabled: enable it first (`server users enable {0}`)")]
    Disabled(String),
    /// What the API would have answered (e.g. no such passkey).
    #[error("{0}")]
    Api(String),
    /// The configuration or the database, as when the server starts.
    #[error(transparent)]
    Start(#[from] StartError),
}

/// Makes `username` an admin (`true`) or takes admin away (`false`).
pub async fn set_admin(config: &Config, username: &str, admin: bool) -> Result<(), AdminError> {
    let username = Username::parse(username)?;
    let users = UserStore::connect(&config.database)
        .await
        .map_err(StartError::from)?;
    let changed = users.set_admin(&username, admin).await;
    users.close().await;
    let changed = changed.map_err(StartError::from)?;
    let user = changed.ok_or_else(|| AdminError::NoSuchUser(username.to_string()))?;
    if admin {
        println!(
            "{username} (id {}) is an admin; it shows in their next login's token",
            user.user.id
        );
    } else {
        println!(
            "{username} (id {}) is no longer an admin; every token issued to them so far is refused",
            user.user.id
        );
    }
    Ok(())
}

/// Disables `username`'s account (`true`) or enables it again (`false`).
pub async fn set_disabled(
    config: &Config,
    username: &str,
    disabled: bool,
) -> Result<(), AdminError> {
    let username = Username::parse(username)?;
    let users = UserStore::connect(&config.database)
        .await
        .map_err(StartError::from)?;
    let changed = users
        .set_disabled(&username, disabled, unix_now_i64())
        .await;
    let ended = match &changed {
        Ok(Some(user)) if disabled => end_sessions(&users, user.user.id).await,
        _ => Ok(0),
    };
    if let Ok(Some(user)) = &changed {
        let kind = match disabled {
            true => ActivityKind::DisabledByOperator,
            false => ActivityKind::EnabledByOperator,
        };
        ActivityLog::on(users.pools().clone())
            .record(user.user.id, kind, "")
            .await;
    }
    users.close().await;
    let user = changed
        .map_err(StartError::from)?
        .ok_or_else(|| AdminError::NoSuchUser(username.to_string()))?;
    let ended = ended.map_err(StartError::from)?;
    if disabled {
        println!(
            "{username} (id {}) is disabled: their sign-ins are refused; {ended} session(s) and every token ended",
            user.user.id
        );
    } else {
        println!(
            "{username} (id {}) is enabled: they can sign in again",
            user.user.id
        );
    }
    Ok(())
}

/// Ends every session of `username` and refuses every token issued so far.
pub async fn log_out(config: &Config, username: &str) -> Result<(), AdminError> {
    let username = Username::parse(username)?;
    let users = UserStore::connect(&config.database)
        .await
        .map_err(StartError::from)?;
    let ended = log_out_everywhere(&users, &username).await;
    users.close().await;
    let (id, ended) = ended
        .map_err(StartError::from)?
        .ok_or_else(|| AdminError::NoSuchUser(username.to_string()))?;
    println!(
        "{username} (id {id}) is signed out everywhere: {ended} session(s) and every token ended"
    );
    Ok(())
}

/// Deletes `username`'s account, as `DELETE /api/account` does for its
/// owner; the running app's deliverer tells the favourites service (it
/// looks at the outbox every second).
pub async fn delete(config: &Config, username: &str, yes: bool) -> Result<(), AdminError> {
    let username = Username::parse(username)?;
    if !yes {
        return Err(AdminError::Api(format!(
            "deleting {username}'s account can't be undone; run again with --yes to delete it"
        )));
    }
    let users = UserStore::connect(&config.database)
        .await
        .map_err(StartError::from)?;
    let deleted = delete_by_username(&users, &username).await;
    users.close().await;
    let deleted = deleted
        .map_err(StartError::from)?
        .ok_or_else(|| AdminError::NoSuchUser(username.to_string()))?;
    metrics::counter!("photo_spots_accounts_deleted_total", "by" => "operator").increment(1);
    println!(
        "{username} (id {}) is deleted, with their sessions, passkeys, recovery codes and \
         activity; the favourites service hears of it from the running app",
        deleted.id
    );
    Ok(())
}

async fn delete_by_username(
    users: &UserStore,
    username: &Username,
) -> Result<Option<app::users::DeletedAccount>, sqlx::Error> {
    let Some(credentials) = users.find_credentials(username).await? else {
        return Ok(None);
    };
    users
        .delete_account(
            credentials.user.id,
            crate::security_events::EVENT_RECEIVERS,
            app::clock::unix_now(),
        )
        .await
}

/// Prints a one-use recovery link for `username` at the public origin.
pub async fn recovery_link(config: &Config, username: &str) -> Result<(), AdminError> {
    let username = Username::parse(username)?;
    let secret = LinkSecret::generate()
        .map_err(|error| AdminError::Api(format!("no randomness for a link: {error}")))?;
    let users = UserStore::connect(&config.database)
        .await
        .map_err(StartError::from)?;
    let made = make_link(&users, &username, secret).await;
    users.close().await;
    let (id, secret) = match made.map_err(StartError::from)? {
        Made::Link(id, secret) => (id, secret),
        Made::NoSuchUser => return Err(AdminError::NoSuchUser(username.to_string())),
        Made::Disabled => return Err(AdminError::Disabled(username.to_string())),
    };
    let origin = config.public_origin.trim_end_matches('/');
    println!(
        "A recovery link for {username} (id {id}), for one use within {} minutes:\n\n  \
         {origin}/recover/link#{}\n\n\
         Send it to them over a channel you trust. It opens a page where they choose a new \
         password; every session of theirs then ends. A new link voids this one.",
        LIFETIME_SECS / 60,
        secret.as_str()
    );
    Ok(())
}

enum Made {
    Link(UserId, LinkSecret),
    NoSuchUser,
    Disabled,
}

async fn make_link(
    users: &UserStore,
    username: &Username,
    secret: LinkSecret,
) -> Result<Made, sqlx::Error> {
    let Some(account) = users.find_credentials(username).await? else {
        return Ok(Made::NoSuchUser);
    };
    if account.disabled {
        return Ok(Made::Disabled);
    }
    let id = account.user.id;
    RecoveryLinks::on(users.pools().clone())
        .make(id, &secret)
        .await?;
    ActivityLog::on(users.pools().clone())
        .record(id, ActivityKind::RecoveryLinkMade, "")
        .await;
    tracing::info!(user = %id, "recovery link made");
    Ok(Made::Link(id, secret))
}

async fn log_out_everywhere(
    users: &UserStore,
    username: &Username,
) -> Result<Option<(UserId, u64)>, sqlx::Error> {
    let Some(user) = users.find_credentials(username).await? else {
        return Ok(None);
    };
    let id = user.user.id;
    users.bump_token_version(id).await?;
    let ended = end_sessions(users, id).await?;
    ActivityLog::on(users.pools().clone())
        .record(id, ActivityKind::LoggedOutByOperator, "")
        .await;
    Ok(Some((id, ended)))
}

async fn end_sessions(users: &UserStore, id: UserId) -> Result<u64, sqlx::Error> {
    RefreshStore::on(users.pools().clone())
        .revoke_all(id, unix_now_i64())
        .await
}
