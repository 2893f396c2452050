//! What every request handler and server function shares (server only).

use crate::{
    api::ApiError,
    auth::{Passwords, TokenService},
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
}

impl AppState {
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
