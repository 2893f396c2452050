//! The token check's read, in groups (see `groups`). Every authenticated
//! request reads its user and token version; reading all the users waiting
//! at that moment in one `WHERE id IN (…)` query costs the driver's thread
//! hand-offs once per group instead of once per request.
//!
//! A group runs after every write answered before it was queued, so a
//! revocation that was answered is always seen. Nothing is cached.

use super::user_from_row;
use crate::domain::UserId;
use crate::users::CurrentUser;
use crate::users::groups::{Answer, Groups, together_or_alone};
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;

/// Bounds one statement's size.
const MAX_GROUP: usize = 64;

/// Reads of users by id, in groups through the reader connections.
#[derive(Clone)]
pub struct Lookups(Groups<UserId, Answer<CurrentUser>>);

impl Lookups {
    pub fn start(reader: SqlitePool) -> Self {
        Self(Groups::start(
            MAX_GROUP,
            |_, _| false,
            move |group| {
                let reader = reader.clone();
                async move {
                    together_or_alone(group, |id| *id, |ids| read(reader.clone(), ids)).await;
                }
            },
        ))
    }

    /// User `id` and their token version.
    pub async fn current_user(&self, id: UserId) -> Answer<CurrentUser> {
        self.0.call(id).await?
    }
}

async fn read(
    reader: SqlitePool,
    ids: Vec<UserId>,
) -> Result<HashMap<UserId, CurrentUser>, sqlx::Error> {
    let sql = format!(
        "SELECT id, username, name, token_version FROM users WHERE id IN ({})",
        vec!["?"; ids.len()].join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id.get());
    }
    let rows = query.fetch_all(&reader).await?;
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
