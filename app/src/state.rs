//! What every request handler and server function shares (server only).

use crate::{
    api::ApiError,
    auth::{LoginThrottle, Passwords, TokenService},
    users::UserStore,
};
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub users: UserStore,
    pub tokens: Arc<TokenService>,
    pub passwords: Arc<Passwords>,
    pub throttle: Arc<LoginThrottle>,
    /// Where the browser reaches the favourites service (an origin).
    pub favorites_url: Arc<str>,
    /// How long other services may cache the published JWKS.
    pub jwks_max_age: std::time::Duration,
}

impl AppState {
    /// The caller's IP address, for throttling (`None` when the server runs
    /// without connection info, e.g. in-process).
    pub fn client_address() -> Option<std::net::IpAddr> {
        use axum::{extract::ConnectInfo, http::request::Parts};
        let parts = leptos::prelude::use_context::<Parts>()?;
        let ConnectInfo(address) = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()?;
        Some(address.ip())
    }

    /// The state as provided to server functions by the router.
    pub fn from_context() -> Result<Self, ApiError> {
        leptos::prelude::use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            ApiError::Internal
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Arc<TokenService> {
    fn from_ref(state: &AppState) -> Self {
        state.tokens.clone()
    }
}
