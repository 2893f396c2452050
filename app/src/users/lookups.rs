//! The token check's read, in groups (see `groups`). Every authenticated
//! request reads its user and token version; reading all the users waiting
//! at that moment in one `WHERE id IN (…)` query costs the driver's thread
//! hand-offs once per group instead of once per request.
//!
//! A group runs after every write answered before it was queued, so a
//! revocation that was answered is always seen.

use super::{
    groups::{Call, Groups},
    store::{CurrentUser, user_from_row},
};
use crate::domain::UserId;
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;

/// Bounds one statement's size.
const MAX_GROUP: usize = 64;

type Answer = Result<Option<CurrentUser>, sqlx::Error>;
type Lookup = Call<UserId, Answer>;

/// Reads of users by id, in groups through the reader connections.
#[derive(Clone)]
pub struct Lookups(Groups<UserId, Answer>);

impl Lookups {
    pub fn start(reader: SqlitePool) -> Self {
        Self(Groups::start(
            MAX_GROUP,
            |_, _| false,
            move |group| {
                let reader = reader.clone();
                async move { answer(&reader, group).await }
            },
        ))
    }

    /// User `id` and their token version.
    pub async fn current_user(&self, id: UserId) -> Answer {
        self.0.call(id).await?
    }
}

/// Reads `group` in one query and answers each caller. If the query fails,
/// each caller gets a query of their own, and so their own error.
async fn answer(reader: &SqlitePool, group: Vec<Lookup>) {
    if group.len() > 1 {
        match read(reader, &group).await {
            Ok(found) => {
                for lookup in group {
                    let user = found.get(&lookup.input).cloned();
                    lookup.answer(Ok(user));
                }
                return;
            }
            Err(error) => {
                tracing::warn!(%error, lookups = group.len(), "a group of user reads failed; trying each alone");
            }
        }
    }
    for lookup in group {
        let answer = read(reader, std::slice::from_ref(&lookup))
            .await
            .map(|mut found| found.remove(&lookup.input));
        lookup.answer(answer);
    }
}

async fn read(
    reader: &SqlitePool,
    group: &[Lookup],
) -> Result<HashMap<UserId, CurrentUser>, sqlx::Error> {
    let sql = format!(
        "SELECT id, username, name, token_version FROM users WHERE id IN ({})",
        vec!["?"; group.len()].join(", ")
    );
    let mut query = sqlx::query(&sql);
    for lookup in group {
        query = query.bind(lookup.input.get());
    }
    let rows = query.fetch_all(reader).await?;
    rows.iter()
        .map(|row| {
            let user = user_from_row(row)?;
            let token_version = row.try_get("token_version")?;
            Ok((
                user.id,
                CurrentUser {
                    user,
                    token_version,
                },
            ))
        })
        .collect()
}
