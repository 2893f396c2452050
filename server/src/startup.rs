//! Turning a validated [`Config`] into running state.

use crate::{
    Config,
    config::{SecretSource, database_dir},
    demo,
};
use app::{
    auth::{LoginThrottle, PasswordError, Passwords, TokenService},
    state::AppState,
    users::{StoreError, UserStore},
};
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("could not create the database directory {dir}: {source}")]
    DataDir {
        dir: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("could not open the database: {0}")]
    Database(#[from] StoreError),
    #[error(transparent)]
    Passwords(#[from] PasswordError),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Opens and migrates the database, sets up tokens and password hashing, and
/// creates the demo users in demo mode.
pub async fn build_state(config: &Config) -> Result<AppState, StartError> {
    if let SecretSource::DevFile(path) = &config.secret_source {
        tracing::warn!(
            path = %path.display(),
            "using a generated DEVELOPMENT signing secret; set JWT_SECRET in production"
        );
    }
    // SQLite creates the file but not its directory.
    if let Some(dir) = database_dir(&config.database_url) {
        std::fs::create_dir_all(&dir).map_err(|source| StartError::DataDir { dir, source })?;
    }
    let users = UserStore::connect(&config.database_url).await?;
    let passwords = Arc::new(Passwords::new()?);
    if config.demo {
        demo::ensure_demo_users(&users, &passwords).await?;
    }
    Ok(AppState {
        leptos_options: config.leptos_options.clone(),
        users,
        tokens: Arc::new(TokenService::new(&config.jwt_secret, config.token_ttl)),
        passwords,
        throttle: Arc::new(LoginThrottle::new(config.login_limits)),
    })
}
