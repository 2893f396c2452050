//! Turning a validated [`Config`] into running state.

use crate::security_events::{Deliverer, Receiver};
use crate::{Config, config::Signing, demo};
use app::{
    auth::{
        AdminPolicy, LEEWAY_SECONDS, LoginThrottle, PasswordError, Passwords, TokenService,
        dpop::{DpopPolicy, ReplayCache},
        keys::{KeyRing, KeyRingError, StoredKeys, StoredKeysError},
        recovery::RecoveryCodes,
        refresh::{RefreshStore, RefreshTokens},
    },
    db::{Pools, StoreError},
    passkeys::Passkeys,
    spots::store::SpotStore,
    state::{AppState, PhotoWork, Shared},
    users::{ActivityLog, Outbox, UserStore},
};
use service_kit::settings::database_dir;
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
    #[error("signing key: {0}")]
    Keys(#[from] KeyRingError),
    #[error("signing keys in the database: {0}")]
    StoredKeys(#[from] StoredKeysError),
    #[error(transparent)]
    Passwords(#[from] PasswordError),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

/// Opens and migrates the database, sets up tokens and password hashing, and
/// creates the demo users in demo mode.
pub async fn build_state(config: &Config) -> Result<AppState, StartError> {
    // SQLite creates the file but not its directory.
    if let Some(dir) = database_dir(&config.database.url) {
        std::fs::create_dir_all(&dir).map_err(|source| StartError::DataDir { dir, source })?;
    }
    let pools = Pools::connect(&config.database).await?;
    tracing::info!(database = %config.database.display_target(), "database ready");
    let users = UserStore::on(pools.clone());
    let tokens = Arc::new(token_service(config, &users).await?);
    // Several instances share one PostgreSQL: their throttle must be shared
    // too, or each would allow its own five failures.
    let throttle = match pools.postgres() {
        Some(pool) => LoginThrottle::shared(pool.clone(), config.login_limits),
        None => LoginThrottle::in_memory(config.login_limits),
    };
    let dpop = dpop_policy(config, &users)?;
    let passwords = Arc::new(Passwords::new()?);
    let security_events = Arc::new(tokio::sync::Notify::new());
    start_deliverer(config, &users, &tokens, &security_events);
    if config.demo {
        demo::ensure_demo_users(&users, &passwords).await?;
    }
    Ok(AppState::new(Shared {
        leptos_options: config.leptos_options.clone(),
        spots: SpotStore::on(pools.clone()),
        passkeys: Passkeys::new(pools.clone(), &config.public_origin),
        recovery: RecoveryCodes::on(pools.clone()),
        activity: ActivityLog::on(pools.clone()),
        admin_policy: AdminPolicy {
            requires_passkey: config.admin_requires_passkey,
        },
        refresh: RefreshTokens::new(
            RefreshStore::on(pools.clone()),
            config.refresh,
            ActivityLog::on(pools),
        ),
        photos: PhotoWork::new(&config.photos),
        users,
        tokens,
        dpop,
        passwords,
        throttle: Arc::new(throttle),
        favorites_url: config.favorites_url.as_str().into(),
        jwks_max_age: config.jwks_max_age,
        step_up_max_age: config.step_up_max_age,
        trusted_proxies: config.trusted_proxies.clone().into(),
        security_events,
    }))
}

/// Delivers the outbox's security events to the favourites service, until
/// the database closes. Shared-secret mode can't sign them (a receiver
/// refuses HS256): they wait in the outbox.
fn start_deliverer(
    config: &Config,
    users: &UserStore,
    tokens: &Arc<TokenService>,
    wake: &Arc<tokio::sync::Notify>,
) {
    if tokens.public_keys().is_none() {
        tracing::warn!(
            "JWT_SECRET mode: security events (accounts deleted) can't be signed; they wait in the \
             outbox, and the favourites service keeps deleted accounts' favourites"
        );
        return;
    }
    let receivers = vec![Receiver {
        audience: app::auth::FAVORITES_AUDIENCE,
        url: config.favorites_events_url.clone(),
    }];
    tracing::info!(url = %config.favorites_events_url, "security events go to the favourites service");
    Deliverer::new(
        Outbox::on(users.pools().clone()),
        tokens.clone(),
        receivers,
        wake.clone(),
    )
    .spawn();
}

/// DPoP for this app: proofs name `PUBLIC_ORIGIN`; the ids of proofs seen
/// are shared in PostgreSQL (a proof used on one instance is refused on
/// every other), kept in memory on SQLite (one instance).
fn dpop_policy(config: &Config, users: &UserStore) -> Result<DpopPolicy, StartError> {
    let replay = match users.pools().postgres() {
        Some(pool) => ReplayCache::shared(pool.clone()),
        None => ReplayCache::in_memory(),
    };
    let policy =
        DpopPolicy::new(&config.public_origin, replay, config.dpop_required).map_err(|_| {
            crate::config::ConfigError::from(service_kit::settings::SettingsError::bad_origin(
                "PUBLIC_ORIGIN",
                "public-origin",
                &config.public_origin,
            ))
        })?;
    policy.prune_every(std::time::Duration::from_secs(30));
    tracing::info!(origin = %config.public_origin, required = config.dpop_required, "DPoP proofs accepted");
    Ok(policy)
}

/// How long a retired key must stay trusted: a token it signed just before
/// rotation lives one token lifetime, plus the clock leeway.
pub fn keep_retired_keys_for(config: &Config) -> std::time::Duration {
    config.token_ttl + std::time::Duration::from_secs(LEEWAY_SECONDS)
}

async fn token_service(config: &Config, users: &UserStore) -> Result<TokenService, StartError> {
    let path = match &config.signing {
        Signing::Database { kek, refresh } => {
            let stored = stored_keys(config, users, kek.clone(), *refresh)?;
            let ring = database_key_ring(config, stored).await?;
            return Ok(TokenService::with_key_ring(ring, config.token_ttl)
                .remembering(config.verified_tokens));
        }
        Signing::SharedSecret(secret) => {
            tracing::info!("signing HS256 with the shared JWT_SECRET (no JWKS published)");
            return Ok(
                TokenService::new(secret, config.token_ttl).remembering(config.verified_tokens)
            );
        }
        Signing::KeyFile(path) => path,
        Signing::DevKeyFile(path) => {
            if KeyRing::create_if_missing(path)? {
                tracing::info!(path = %path.display(), "generated a development signing key");
            }
            tracing::warn!(
                path = %path.display(),
                "using a DEVELOPMENT signing key; set JWT_PRIVATE_KEY_FILE in production"
            );
            path
        }
    };
    let ring = Arc::new(KeyRing::open(path, keep_retired_keys_for(config))?);
    tracing::info!(
        kid = ring.current().signing.kid(),
        "signing EdDSA (Ed25519); public keys at /.well-known/jwks.json"
    );
    Ok(TokenService::with_key_ring(ring, config.token_ttl).remembering(config.verified_tokens))
}

/// Keys from the database: creates the first one on a new database, loads
/// them, and keeps them fresh in the background.
async fn database_key_ring(
    config: &Config,
    stored: StoredKeys,
) -> Result<Arc<KeyRing>, StartError> {
    if let Some(kid) = stored.create_if_missing().await? {
        tracing::info!(kid, "created the first signing key in the database");
    }
    let ring = Arc::new(KeyRing::pushed(
        stored.load().await?,
        keep_retired_keys_for(config),
    ));
    tracing::info!(
        kid = ring.current().signing.kid(),
        refresh_seconds = stored.refresh().as_secs(),
        "signing EdDSA (Ed25519) with keys from the database; public keys at /.well-known/jwks.json"
    );
    stored.spawn_refresh(ring.clone());
    Ok(ring)
}

/// The database's key table, for `Signing::Database` (config only allows it
/// with PostgreSQL).
pub fn stored_keys(
    config: &Config,
    users: &UserStore,
    kek: app::auth::keys::KeyEncryptionKey,
    refresh: std::time::Duration,
) -> Result<StoredKeys, StartError> {
    let pool = users
        .pools()
        .postgres()
        .ok_or(crate::config::ConfigError::KeysInDatabaseNeedPostgres)?;
    Ok(StoredKeys::new(
        pool.clone(),
        kek,
        keep_retired_keys_for(config),
        refresh,
    ))
}
