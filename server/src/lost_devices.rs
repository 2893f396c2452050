//! `server users passkeys USERNAME` and `server users remove-passkey
//! USERNAME ID`: a person's passkeys from the command line, for support
//! when a device is lost (the person can also remove it on their profile).
//! A removed passkey signs nobody in from the next attempt on.

use crate::{Config, StartError, admins::AdminError};
use app::{
    domain::Username,
    error::ApiError,
    passkeys::{LastWay, Passkeys},
    users::UserStore,
};

/// Prints `username`'s passkeys, one a line.
pub async fn list(config: &Config, username: &str) -> Result<(), AdminError> {
    let (users, passkeys, user) = open(config, username).await?;
    let listed = passkeys.list(user).await;
    users.close().await;
    let listed = listed.map_err(|error| AdminError::Api(error.to_string()))?;
    if listed.is_empty() {
        println!("{username} has no passkeys");
    }
    for passkey in listed {
        let kind = if passkey.synced {
            "synced"
        } else {
            "device-bound"
        };
        let last_used = passkey.last_used_at.map_or_else(
            || "never used".to_owned(),
            |at| format!("last used at {at}"),
        );
        println!(
            "{}  {:?}  {kind}, added at {}, {last_used}",
            passkey.id, passkey.name, passkey.created_at
        );
    }
    Ok(())
}

/// Removes `username`'s passkey `id`; their last way to sign in only if
/// `even_if_last`.
pub async fn remove(
    config: &Config,
    username: &str,
    id: &str,
    even_if_last: bool,
) -> Result<(), AdminError> {
    let (users, passkeys, user) = open(config, username).await?;
    let last = if even_if_last {
        LastWay::Remove
    } else {
        LastWay::Keep
    };
    let removed = passkeys.remove(user, id, last).await;
    users.close().await;
    match removed {
        Err(ApiError::LastSignInMethod) => Err(AdminError::Api(format!(
            "passkey {id} is {username}'s only way to sign in (no password, no other passkey); \
             add --even-if-last to remove it anyway"
        ))),
        other => other.map_err(|error| AdminError::Api(error.to_string())),
    }?;
    println!("removed passkey {id} of {username}: it signs nobody in from now on");
    Ok(())
}

async fn open(
    config: &Config,
    username: &str,
) -> Result<(UserStore, Passkeys, app::domain::UserId), AdminError> {
    let username = Username::parse(username)?;
    let users = UserStore::connect(&config.database)
        .await
        .map_err(StartError::from)?;
    let found = users.find_credentials(&username).await;
    let found = found.map_err(StartError::from)?;
    let Some(credentials) = found else {
        users.close().await;
        return Err(AdminError::NoSuchUser(username.to_string()));
    };
    let passkeys = Passkeys::new(users.pools().clone(), &config.public_origin);
    Ok((users, passkeys, credentials.user.id))
}
