//! The Photo Spots server: configuration, start-up, and the axum router that
//! serves the pages, the JSON API and the static files.

pub mod admins;
mod api_middleware;
mod assets;
pub mod config;
pub mod demo;
pub mod favorites;
mod json_body;
mod jwks;
pub mod keys;
pub mod process;
pub mod router;
mod security;
pub mod spots;
pub mod startup;

pub use config::Config;
pub use router::router;
pub use startup::{StartError, build_state};
