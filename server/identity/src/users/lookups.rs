//! The token check's read, in groups: every authenticated request reads its
//! user, their token version and whether its session is live, and all the
//! reads waiting at one moment go to the database as one `WHERE id IN (…)`
//! query (the session is a primary-key join in the same statement). On
//! SQLite that pays the driver's thread hand-offs once per group instead of
//! once per request; on PostgreSQL one round trip and one backend turn
//! (BENCHMARKS.md).
//!
//! Revocation stays immediate: a group is queued after every write that was
//! answered before it, and nothing is cached.

use super::CurrentUser;
use crate::clock::unix_now_i64;
use crate::db::{
    Pools,
    groups::{Answer, Groups, together_or_alone},
    on_pool,
};
use crate::domain::UserId;
use std::collections::HashMap;

/// Bounds one grouped read's statement.
const MAX_LOOKUPS: usize = 64;

/// A user and one of their sessions (a refresh family's id; empty for none).
type Lookup = (UserId, String);

/// A user as stored now, and whether the session looked up with them is live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionCheck {
    pub current: CurrentUser,
    /// Not revoked (signed out, ended from another device, every session
    /// ended) and not past its absolute end.
    pub live: bool,
}

#[derive(Clone)]
pub struct Lookups(Groups<Lookup, Answer<SessionCheck>>);

impl Lookups {
    pub fn start(pools: Pools) -> Self {
        Self(Groups::start(
            MAX_LOOKUPS,
            |_, _| false,
            move |group| {
                let pools = pools.clone();
                async move {
                    together_or_alone(group, Clone::clone, |lookups| read(pools.clone(), lookups))
                        .await;
                }
            },
        ))
    }

    /// User `id` and their token version, and whether their session
    /// `session` is live (`false` for an empty `session`).
    pub async fn check(&self, id: UserId, session: &str) -> Answer<SessionCheck> {
        self.0.call((id, session.to_owned())).await?
    }
}

/// `id, username, name, token_version, is_admin`, and the session's id
/// when it is one of the looked-up ones and live.
type Row = (i64, String, String, i32, bool, Option<String>);

/// Every lookup whose user exists (SQLite: through the reader connections).
async fn read(
    pools: Pools,
    lookups: Vec<Lookup>,
) -> Result<HashMap<Lookup, SessionCheck>, sqlx::Error> {
    let sql = statement_for(lookups.len());
    let now = unix_now_i64();
    let rows: Vec<Row> = on_pool!(&pools, reader, |pool| {
        let mut query = sqlx::query_as(&sql).bind(now);
        for (id, _) in &lookups {
            query = query.bind(id.get());
        }
        for (_, session) in &lookups {
            query = query.bind(session.as_str());
        }
        query.fetch_all(pool).await?
    });
    // A user appears once per live session looked up (or once with none).
    let mut users: HashMap<UserId, (CurrentUser, Vec<String>)> = HashMap::new();
    for (id, username, name, version, is_admin, live) in rows {
        let current = super::store::current_user((id, username, name, version, is_admin))?;
        let entry = users
            .entry(current.user.id)
            .or_insert_with(|| (current, Vec::new()));
        entry.1.extend(live);
    }
    Ok(lookups
        .into_iter()
        .filter_map(|lookup| {
            let (current, live) = users.get(&lookup.0)?;
            let live = !lookup.1.is_empty() && live.contains(&lookup.1);
            let check = SessionCheck {
                current: current.clone(),
                live,
            };
            Some((lookup, check))
        })
        .collect())
}

/// The query for `n` lookups: `$1` is now, then the `n` user ids, then the
/// `n` session ids (each size is prepared once and cached by sqlx).
fn statement_for(n: usize) -> String {
    let list = |from: usize| {
        (from..from + n)
            .map(|k| format!("${k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "SELECT u.id, u.username, u.name, u.token_version, u.is_admin, f.id \
         FROM users u LEFT JOIN refresh_families f ON f.user_id = u.id \
         AND f.id IN ({}) AND f.revoked_at IS NULL AND f.expires_at > $1 \
         WHERE u.id IN ({})",
        list(n + 2),
        list(2)
    )
}
