//! What both binaries (the app's `server` and `favorites`) are made of
//! besides their routes: the settings they share and the command line,
//! logging and stopping, the connection loop, request ids, security
//! headers and body limits, and Prometheus metrics. No Leptos.
//!
//! Layers, top to bottom: `process`, `metrics`, `request_id`; `security`;
//! `serve`, `settings`.

pub mod metrics;
pub mod process;
pub mod request_id;
pub mod security;
pub mod serve;
pub mod settings;
