//! `server keys rotate` and `server keys list`: the signing key ring, from
//! the command line, with the same configuration as the server.
//!
//! Rotation writes the files the running server reads (see
//! `app::auth::keys::KeyRing`); the server picks the new key up on its next
//! token or JWKS request, without a restart.

use crate::{Config, StartError, config::ConfigError, startup::keep_retired_keys_for};
use app::auth::keys::KeyRing;

/// Adds a new signing key; the previous one only verifies from now on.
pub fn rotate() -> Result<(), StartError> {
    let config = Config::from_env()?;
    let path = key_file(&config)?;
    if KeyRing::create_if_missing(path)? {
        println!("created a first signing key at {}", path.display());
        return Ok(());
    }
    let keep_for = keep_retired_keys_for(&config);
    let (old, new) = KeyRing::rotate(path, keep_for)?;
    println!(
        "new signing key {new}\nretired key {old}: it signs nothing more, and stays in the JWKS \
         for {} s so the tokens it signed can run out",
        keep_for.as_secs()
    );
    Ok(())
}

/// Prints the active key id and every published one.
pub fn list() -> Result<(), StartError> {
    let config = Config::from_env()?;
    let ring = KeyRing::open(key_file(&config)?, keep_retired_keys_for(&config))?;
    println!("signing: {}", ring.current().signing.kid());
    for key in ring.published() {
        println!("published: {}", key.kid());
    }
    Ok(())
}

fn key_file(config: &Config) -> Result<&std::path::Path, StartError> {
    let path = config.signing.key_file();
    Ok(path.ok_or(ConfigError::SharedSecretHasNoKeys)?)
}
