//! The main database (server only): which one (SQLite, the embedded
//! default, or PostgreSQL, shared by several instances), its connections,
//! which of its errors mean "away for now", and statements run in groups.
//! The stores above it (users, spots, refresh tokens, the throttle) hold
//! only their queries.

pub mod groups;
mod options;

mod pools;

pub use crate::error::is_outage;
pub use crate::on_pool;
pub use options::{DatabaseKind, DatabaseOptions};
pub use pools::{Backend, Pools, is_postgres};
/// What a store call can fail with.
pub use sqlx::Error as StoreError;
