//! Users and their credentials in SQLite (server only).

mod groups;
mod lookups;
mod renames;
mod store;

/// What a store call can fail with.
pub use sqlx::Error as StoreError;
pub use store::{Credentials, CurrentUser, UserStore};
