//! Who someone is, on the server: the main database, the users and their
//! passwords, and the tokens that say who they are — issued, renewed, bound
//! to a key, checked and revoked. (Passkeys are a crate of their own, so
//! that a service that only checks tokens does not link WebAuthn.)
//!
//! Server only, and without Leptos: the app's server functions and the axum
//! routers call into it; the favourites service uses its token checks alone.
//!
//! Layers, top to bottom (each imports only the ones below it): `auth`,
//! `users`, `db`, then `clock` and the core crate's types.

pub mod auth;
pub mod clock;
pub mod db;
pub mod users;

// The tests' fresh databases live with the tests (`tests/support/`); the
// unit tests include them under the crate's own name, as other crates'
// tests do.
#[cfg(test)]
extern crate self as identity;
#[cfg(test)]
#[path = "../tests/support/databases.rs"]
mod test_databases;

// The core crate's modules under the names the code uses (`crate::domain`).
use photo_spots_core::{domain, error, wire};
