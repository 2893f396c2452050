//! Photo Spots: the pages, components, browser client and server functions,
//! shared by the browser (`hydrate`) and the server (`ssr`). The domain types
//! come from `photo-spots-core`. The server's half of who someone is comes
//! from the `identity` and `passkeys` crates, which only `ssr` brings in, so
//! sqlx, jsonwebtoken and argon2 never reach the wasm.

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
