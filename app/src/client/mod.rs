//! The browser side of authentication: where the token lives and how it
//! travels with every API call.

pub mod admin;
mod auth_client;
pub mod dpop;
pub mod favorites;
#[cfg(feature = "hydrate")]
mod http;
pub mod session;

pub use auth_client::AuthClient;
