//! What the handlers share, and how it is built from the configuration:
//! the store, the token checks and this service's DPoP policy.

use crate::{
    config::{FavoritesConfig, FavoritesConfigError, TrustedKeys},
    deletions::Deletions,
    jwks_cache::JwksCache,
    store::FavoritesStore,
};
use identity::auth::{
    FAVORITES_AUDIENCE, TokenVerifier,
    dpop::{DpopPolicy, ReplayCache},
    security_event::SetVerifier,
};
use service_kit::settings::SettingsError;
use std::sync::Arc;
use thiserror::Error;

/// What the favourites service's handlers share (axum state).
#[derive(Clone)]
pub struct ServiceState {
    pub store: FavoritesStore,
    pub verifier: Arc<TokenVerifier>,
    /// The key cache, in public-key mode.
    pub jwks: Option<Arc<JwksCache>>,
    /// Checks the main app's security events, by the same keys; `None` in
    /// shared-secret mode, where nobody could prove they sent one.
    pub events: Option<Arc<SetVerifier>>,
    /// Accounts deleted at the main app, whose older tokens are refused.
    pub deletions: Deletions,
    /// This service's own DPoP checks: its public origin and the proof ids
    /// it has seen (one instance: in memory).
    pub dpop: DpopPolicy,
}

#[derive(Debug, Error)]
pub enum FavoritesStartError {
    #[error(transparent)]
    Config(#[from] FavoritesConfigError),
    #[error("could not create the database directory {dir}: {source}")]
    DataDir {
        dir: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("could not open the favourites database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("could not start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Opens the database and sets up token checking. In public-key mode the
/// keys are fetched in the background: the service starts (and answers
/// 503 `unavailable` to favourites calls) even while the main app is down.
pub async fn build_state(config: &FavoritesConfig) -> Result<ServiceState, FavoritesStartError> {
    if let Some(dir) = config.database_dir() {
        std::fs::create_dir_all(&dir)
            .map_err(|source| FavoritesStartError::DataDir { dir, source })?;
    }
    let store = FavoritesStore::connect(&config.database_url).await?;
    let deletions = Deletions::load(store.pool()).await?;
    deletions.prune_every_day();
    let (verifier, jwks) = match &config.keys {
        TrustedKeys::SharedSecret(secret) => {
            tracing::warn!(
                "trusting tokens by the shared JWT_SECRET: this service could also mint tokens"
            );
            (
                TokenVerifier::shared_secret(secret, FAVORITES_AUDIENCE)
                    .remembering(config.verified_tokens),
                None,
            )
        }
        TrustedKeys::Jwks(url) => {
            tracing::info!(%url, "trusting tokens signed by the keys published at the JWKS URL");
            let cache = Arc::new(JwksCache::new(url.clone()));
            cache.spawn_refresher();
            (
                TokenVerifier::public_keys(cache.clone(), FAVORITES_AUDIENCE)
                    .remembering(config.verified_tokens),
                Some(cache),
            )
        }
    };
    let dpop = DpopPolicy::new(
        &config.public_origin,
        ReplayCache::in_memory(),
        config.dpop_required,
    )
    .map_err(|_| {
        FavoritesConfigError::Setting(SettingsError::bad_origin(
            "FAVORITES_PUBLIC_ORIGIN",
            "public-origin",
            &config.public_origin,
        ))
    })?;
    dpop.prune_every(std::time::Duration::from_secs(30));
    let events = jwks
        .clone()
        .map(|cache| Arc::new(SetVerifier::new(cache, FAVORITES_AUDIENCE)));
    Ok(ServiceState {
        store,
        verifier: Arc::new(verifier),
        jwks,
        events,
        deletions,
        dpop,
    })
}
