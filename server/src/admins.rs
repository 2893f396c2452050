//! `server users grant-admin USERNAME` and `server users revoke-admin
//! USERNAME`: who may use the admin area, from the command line, with the
//! same configuration as the server.
//!
//! Granting takes effect at the user's next login (the token's `admin`
//! claim is copied from the database then). Revoking also refuses every
//! token issued to them so far, on every instance, at once.

use crate::{Config, StartError};
use app::{domain::Username, users::UserStore};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AdminError {
    #[error("{0}")]
    BadUsername(#[from] app::domain::ValidationError),
    #[error("there is no user named {0:?}")]
    NoSuchUser(String),
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
