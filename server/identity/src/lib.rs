//! Who someone is, on the server: the main database, the users and their
//! passwords and passkeys, and the tokens that say who they are — issued,
//! renewed, bound to a key, checked and revoked.
//!
//! Server only, and without Leptos: the app's server functions and the axum
//! routers call into it; the favourites service uses its token checks alone.
//!
//! Layers, top to bottom (each imports only the ones below it): `auth` and
//! `passkeys`, `users`, `db`, then `clock` and the core crate's types.

pub mod auth;
pub mod clock;
pub mod db;
pub mod passkeys;
pub mod users;

// The core crate's modules under the names the code uses (`crate::domain`).
use photo_spots_core::{domain, error, wire};
