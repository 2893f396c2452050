//! The Photo Spots server: configuration, start-up, and the axum router that
//! serves the pages, the JSON API and the static files.

// Rendering the whole app's view type (the profile with its tamper lab is
// deeply nested) needs more query depth than the default 128, as in the
// browser crate.
#![recursion_limit = "256"]

mod account;
pub mod admins;
mod api_middleware;
mod assets;
pub mod cli;
pub mod config;
pub mod config_check;
pub mod demo;
pub mod dev_origin;
mod json_body;
mod jwks;
pub mod keys;
pub mod lost_devices;
pub mod metrics;
pub mod openapi;
mod passkeys;
pub mod probes;
pub mod refresh;
pub mod router;
pub mod security_events;
mod sessions;
pub mod spots;
pub mod startup;

pub use config::Config;
pub use router::router;
pub use startup::{StartError, build_state};
