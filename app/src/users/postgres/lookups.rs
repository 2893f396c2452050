//! The token check's read on PostgreSQL, for a whole group at once (see
//! `users::groups::Lookups`): every authenticated request reads its user and
//! token version, and all the reads waiting at one moment go to PostgreSQL
//! as one `= ANY($1)` query, one round trip and one backend turn instead of
//! one each.
//!
//! Revocation stays immediate: a group is queued after every write that was
//! answered before it, and nothing is cached.

use super::current_user_from_row;
use crate::domain::UserId;
use crate::users::CurrentUser;
use sqlx::PgPool;
use std::collections::HashMap;

/// Every user in `ids` that exists.
pub async fn read(
    pool: PgPool,
    ids: Vec<UserId>,
) -> Result<HashMap<UserId, CurrentUser>, sqlx::Error> {
    let ids: Vec<i64> = ids.into_iter().map(UserId::get).collect();
    let rows = sqlx::query(
        "SELECT id, username, name, token_version, is_admin FROM users WHERE id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(&pool)
    .await?;
    rows.iter()
        .map(|row| current_user_from_row(row).map(|current| (current.user.id, current)))
        .collect()
}
