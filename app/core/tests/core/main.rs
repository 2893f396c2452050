//! The core crate's one integration-test binary; its unit tests live beside
//! the code.

#[path = "../../../tests/support/imports.rs"]
mod imports;

mod layers;
