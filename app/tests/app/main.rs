//! The app crate's one integration-test binary; its unit tests live beside
//! the code, and the server's integration tests drive it over HTTP.

#[path = "../support/imports.rs"]
mod imports;

mod layers;
