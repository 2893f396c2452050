//! The token check's read on SQLite, for a whole group at once (see
//! `users::groups::Lookups`): every authenticated request reads its user and
//! token version, and reading all the users waiting at that moment in one
//! `WHERE id IN (…)` query costs the driver's thread hand-offs once per
//! group instead of once per request.
//!
//! A group runs after every write answered before it was queued, so a
//! revocation that was answered is always seen. Nothing is cached.

use super::current_user_from_row;
use crate::domain::UserId;
use crate::users::CurrentUser;
use sqlx::SqlitePool;
use std::collections::HashMap;

/// Every user in `ids` that exists, through the reader connections.
pub async fn read(
    reader: SqlitePool,
    ids: Vec<UserId>,
) -> Result<HashMap<UserId, CurrentUser>, sqlx::Error> {
    let sql = format!(
        "SELECT id, username, name, token_version, is_admin FROM users WHERE id IN ({})",
        vec!["?"; ids.len()].join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id.get());
    }
    let rows = query.fetch_all(&reader).await?;
    rows.iter()
        .map(|row| current_user_from_row(row).map(|current| (current.user.id, current)))
        .collect()
}
