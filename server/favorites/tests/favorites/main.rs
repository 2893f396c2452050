//! The favourites crate's one integration-test binary: the `favorites`
//! binary as an operator runs it. The service's HTTP behaviour, with the app
//! issuing real tokens, is tested beside the app (`server/tests/integration`:
//! `favorites`, `sso`, `dpop`).

#[path = "../../../../app/tests/support/imports.rs"]
mod imports;

mod command_line;
mod layers;
