//! The server's integration tests, one binary (one link, one process) with a
//! module per promise: real servers on random ports, real databases, real
//! HTTP. Tests run in parallel in this process, so none of them may depend on
//! process-wide state another test also touches (a global log subscriber, the
//! metrics recorder): those spawn the server binary instead.
//!
//! `cargo test -p server --features app/ssr --test integration -- sessions::`
//! runs one module.

mod common;

mod abuse;
mod account_deletion;
mod accounts;
mod admin_spots;
mod admins;
mod api;
mod cluster;
mod config_check;
mod dpop;
mod durability;
mod favorites;
mod key_rotation;
mod layers;
mod log_format;
mod logs;
mod metrics;
mod openapi;
mod passkeys;
mod probes;
mod recovery_link;
mod refresh;
mod security;
mod security_events;
mod sessions;
mod spots;
mod sso;
mod static_files;
mod throttle;
mod token_attacks;
