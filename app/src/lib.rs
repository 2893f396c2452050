//! Photo Spots: pages, components, server functions and domain types shared
//! by the browser (`hydrate`) and the server (`ssr`). Server-only modules
//! (`state`, `users`, the token and password parts of `auth`) compile only
//! with `ssr`, so sqlx, jsonwebtoken and argon2 never reach the wasm.

pub mod api;
pub mod auth;
pub mod client;
mod components;
pub mod lab;
mod page_title;
mod pages;
mod root;
pub mod spots;

#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod passkeys;
#[cfg(feature = "ssr")]
mod security;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod users;

pub use photo_spots_core::{domain, error, wire};
pub use root::{App, shell};
