//! The token check's read, in groups: every authenticated request reads its
//! user and token version, and all the reads waiting at one moment go to
//! the database as one `WHERE id IN (…)` query. On SQLite that pays the
//! driver's thread hand-offs once per group instead of once per request; on
//! PostgreSQL one round trip and one backend turn (BENCHMARKS.md).
//!
//! Revocation stays immediate: a group is queued after every write that was
//! answered before it, and nothing is cached.

use super::{CurrentUser, store::CurrentRow};
use crate::db::{
    Pools,
    groups::{Answer, Groups, together_or_alone},
    on_pool,
};
use crate::domain::UserId;
use std::collections::HashMap;

/// Bounds one grouped read's statement.
const MAX_LOOKUPS: usize = 64;

#[derive(Clone)]
pub struct Lookups(Groups<UserId, Answer<CurrentUser>>);

impl Lookups {
    pub fn start(pools: Pools) -> Self {
        Self(Groups::start(
            MAX_LOOKUPS,
            |_, _| false,
            move |group| {
                let pools = pools.clone();
                async move {
                    together_or_alone(group, |id| *id, |ids| read(pools.clone(), ids)).await;
                }
            },
        ))
    }

    /// User `id` and their token version.
    pub async fn current_user(&self, id: UserId) -> Answer<CurrentUser> {
        self.0.call(id).await?
    }
}

/// Every user in `ids` that exists (SQLite: through the reader connections).
async fn read(pools: Pools, ids: Vec<UserId>) -> Result<HashMap<UserId, CurrentUser>, sqlx::Error> {
    let sql = statement_for(ids.len());
    let rows: Vec<CurrentRow> = on_pool!(&pools, reader, |pool| {
        let mut query = sqlx::query_as(&sql);
        for id in &ids {
            query = query.bind(id.get());
        }
        query.fetch_all(pool).await?
    });
    rows.into_iter()
        .map(|row| super::store::current_user(row).map(|current| (current.user.id, current)))
        .collect()
}

/// The query for `ids` users (each size is prepared once and cached by sqlx).
fn statement_for(ids: usize) -> String {
    let list: Vec<String> = (1..=ids).map(|n| format!("${n}")).collect();
    format!(
        "SELECT id, username, name, token_version, is_admin FROM users WHERE id IN ({})",
        list.join(", ")
    )
}
