//! The browser side of authentication: where the token lives and how it
//! travels with every API call.

pub mod account;
mod action;
pub mod admin;
mod auth_client;
mod calls;
pub mod dpop;
pub mod favorites;
mod http;
mod latest_load;
pub mod passkeys;
pub mod session;
pub mod sessions;
pub mod step_up;
#[cfg(feature = "hydrate")]
mod webauthn;

pub use action::server_action;
pub use auth_client::{AuthClient, LoginClient};
pub use latest_load::LatestLoad;
