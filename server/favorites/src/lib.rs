//! The favourites service: a second service that trusts Photo Spots tokens
//! through the main app's published public keys, and never calls the main
//! app per request or sees a password (the "retirement server" of the
//! articles).

mod caller;
pub mod cli;
pub mod config;
mod deletions;
mod jwks_cache;
mod kept_lists;
mod routes;
mod security_events;
mod state;
mod store;

pub use caller::Caller;
pub use config::{FavoritesConfig, FavoritesConfigError, TrustedKeys};
pub use jwks_cache::{JwksCache, JwksError, UNKNOWN_KID_REFETCH};
pub use routes::{OPENAPI, router};
pub use state::{FavoritesStartError, ServiceState, build_state};
pub use store::{FavoritesStore, MAX_FAVORITES_PER_USER};
