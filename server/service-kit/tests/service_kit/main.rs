//! The service kit's one integration-test binary; its unit tests live beside
//! the code, and both services' tests exercise it over HTTP.

#[path = "../../../../app/tests/support/imports.rs"]
mod imports;

mod layers;
