//! The token check's read, in groups (see `users::groups`): every
//! authenticated request reads its user and token version, and all the
//! reads waiting at one moment go to PostgreSQL as one `= ANY($1)` query,
//! one round trip and one backend turn instead of one each.
//!
//! Revocation stays immediate: a group is queued after every write that was
//! answered before it, and nothing is cached.

use super::{token_version, user_from_row};
use crate::domain::UserId;
use crate::users::{
    CurrentUser,
    groups::{Answer, Groups, together_or_alone},
};
use sqlx::PgPool;
use std::collections::HashMap;

/// Bounds one statement's size.
const MAX_GROUP: usize = 64;

#[derive(Clone)]
pub struct Lookups(Groups<UserId, Answer<CurrentUser>>);

impl Lookups {
    pub fn start(pool: PgPool) -> Self {
        Self(Groups::start(
            MAX_GROUP,
            |_, _| false,
            move |group| {
                let pool = pool.clone();
                async move {
                    together_or_alone(group, |id| *id, |ids| read(pool.clone(), ids)).await;
                }
            },
        ))
    }

    /// User `id` and their token version.
    pub async fn current_user(&self, id: UserId) -> Answer<CurrentUser> {
        self.0.call(id).await?
    }
}

async fn read(pool: PgPool, ids: Vec<UserId>) -> Result<HashMap<UserId, CurrentUser>, sqlx::Error> {
    let ids: Vec<i64> = ids.into_iter().map(UserId::get).collect();
    let rows =
        sqlx::query("SELECT id, username, name, token_version FROM users WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&pool)
            .await?;
    rows.iter()
        .map(|row| {
            let user = user_from_row(row)?;
            Ok((
                user.id,
                CurrentUser {
                    user,
                    token_version: token_version(row)?,
                },
            ))
        })
        .collect()
}
