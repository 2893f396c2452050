//! The identity crate's one integration-test binary. Its unit tests (the
//! stores on SQLite and PostgreSQL, token checks, DPoP proofs) live beside
//! the code; what is here reads the crate from outside.

#[path = "../../../../app/tests/support/imports.rs"]
mod imports;

mod layers;
