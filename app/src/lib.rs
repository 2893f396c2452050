//! Photo Spots: pages, components, server functions and domain types shared
//! by the browser (`hydrate`) and the server (`ssr`). Server-only modules
//! (`state`, `users`, the token and password parts of `auth`) compile only
//! with `ssr`, so sqlx, jsonwebtoken and argon2 never reach the wasm.

pub mod api;
pub mod client;
mod components;
pub mod lab;
mod page_title;
mod pages;
mod root;
pub mod spots;

#[cfg(feature = "ssr")]
mod security;
#[cfg(feature = "ssr")]
pub mod state;

pub use photo_spots_core::{domain, error, token, wire};
// The server half: who someone is (the identity crate), under the names the
// server functions use.
#[cfg(feature = "ssr")]
pub use identity::{auth, clock, db, users};
#[cfg(feature = "ssr")]
pub use passkeys;
pub use root::{App, shell};
