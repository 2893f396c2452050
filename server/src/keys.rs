//! `server keys rotate`, `server keys list` and `server keys new-kek`: the
//! signing key ring, from the command line, with the same configuration as
//! the server.
//!
//! With a key file, rotation writes the files the running server reads (see
//! `app::auth::keys::KeyRing`); the server picks the new key up on its next
//! token or JWKS request. With keys in the database
//! (`JWT_KEY_ENCRYPTION_KEY`), rotation adds a row that every instance
//! publishes at its next refresh and signs with a little later (see
//! `app::auth::keys::StoredKeys`). Neither needs a restart.

use crate::{
    Config, StartError,
    config::{ConfigError, Signing},
    startup::{keep_retired_keys_for, stored_keys},
};
use app::{
    auth::keys::{KeyEncryptionKey, KeyRing, StoredKeys},
    users::UserStore,
};

/// Adds a new signing key; the previous one only verifies from now on.
pub async fn rotate(config: &Config) -> Result<(), StartError> {
    if let Some((stored, _users)) = database_keys(config).await? {
        if let Some(kid) = stored.create_if_missing().await? {
            println!("created a first signing key {kid} in the database");
            return Ok(());
        }
        let kid = stored.rotate().await?;
        println!(
            "new signing key {kid}: every instance publishes it within {} s and signs with it \
             {} s from now; the current key signs until then and stays in the JWKS for {} s \
             more so the tokens it signed can run out",
            stored.refresh().as_secs(),
            stored.activation_delay().as_secs(),
            keep_retired_keys_for(config).as_secs()
        );
        return Ok(());
    }
    let path = key_file(config)?;
    if KeyRing::create_if_missing(path)? {
        println!("created a first signing key at {}", path.display());
        return Ok(());
    }
    let keep_for = keep_retired_keys_for(config);
    let (old, new) = KeyRing::rotate(path, keep_for)?;
    println!(
        "new signing key {new}\nretired key {old}: it signs nothing more, and stays in the JWKS \
         for {} s so the tokens it signed can run out",
        keep_for.as_secs()
    );
    Ok(())
}

/// Prints the active key id and every published one.
pub async fn list(config: &Config) -> Result<(), StartError> {
    let keep_for = keep_retired_keys_for(config);
    let ring = match database_keys(config).await? {
        Some((stored, _users)) => KeyRing::pushed(stored.load().await?, keep_for),
        None => KeyRing::open(key_file(config)?, keep_for)?,
    };
    println!("signing: {}", ring.current().signing.kid());
    for key in ring.published() {
        println!("published: {}", key.kid());
    }
    Ok(())
}

/// Prints a fresh key-encryption key for `JWT_KEY_ENCRYPTION_KEY`.
pub fn new_kek() -> Result<(), StartError> {
    let kek = KeyEncryptionKey::generate().map_err(ConfigError::BadKek)?;
    println!("{kek}");
    Ok(())
}

/// The database's key table when the configuration keeps keys there; the
/// store is returned too so its pool stays open while the table is used.
async fn database_keys(config: &Config) -> Result<Option<(StoredKeys, UserStore)>, StartError> {
    let Signing::Database { kek, refresh } = &config.signing else {
        return Ok(None);
    };
    let users = UserStore::connect(&config.database).await?;
    let stored = stored_keys(config, &users, kek.clone(), *refresh)?;
    Ok(Some((stored, users)))
}

fn key_file(config: &Config) -> Result<&std::path::Path, StartError> {
    let path = config.signing.key_file();
    Ok(path.ok_or(ConfigError::SharedSecretHasNoKeys)?)
}
