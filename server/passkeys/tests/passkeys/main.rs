//! The passkeys crate's one integration-test binary, on fresh databases
//! (SQLite, and PostgreSQL where `scripts/test.sh` starts one). The
//! ceremonies with a real (software) authenticator are tested over HTTP in
//! `server/tests/integration/passkeys.rs`.

#[path = "../../../identity/tests/support/databases.rs"]
mod test_databases;

mod ceremonies;
