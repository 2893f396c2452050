//! Renames are committed in groups (see `groups`): one statement and one
//! commit for every rename waiting, instead of one each (5,800 renames/s
//! here before, BENCHMARKS.md).
//!
//! Each caller is answered after the commit that holds its rename, so a 200
//! still means "on disk" (up to `synchronous`, see the store). A group never
//! holds two renames of one user, so they apply in the order they arrived,
//! and each caller gets the user as their own rename left them.

use super::groups::{Call, Groups};
use crate::domain::{User, UserId, UserName};
use sqlx::SqlitePool;
use std::collections::HashMap;

/// Bounds one statement's size (3 parameters a rename).
const MAX_GROUP: usize = 32;

type Answer = Result<Option<User>, sqlx::Error>;
type Rename = Call<(UserId, u32, UserName), Answer>;

/// Renames, committed in groups through the writer connection.
#[derive(Clone)]
pub struct Renames(Groups<(UserId, u32, UserName), Answer>);

impl Renames {
    pub fn start(writer: SqlitePool) -> Self {
        Self(Groups::start(MAX_GROUP, renames_user, move |group| {
            let writer = writer.clone();
            async move { commit(&writer, group).await }
        }))
    }

    /// Renames user `id` if their token version is still `token_version`;
    /// `None` if there is no such user or the version moved on.
    pub async fn rename(&self, id: UserId, token_version: u32, name: &UserName) -> Answer {
        self.0.call((id, token_version, name.clone())).await?
    }
}

fn renames_user(group: &[Rename], (id, _, _): &(UserId, u32, UserName)) -> bool {
    group.iter().any(|rename| rename.input.0 == *id)
}

/// Applies `group` in one statement and answers each caller. If the
/// statement fails, each rename is tried on its own, so one failure can't
/// fail the others and each caller gets its own error.
async fn commit(writer: &SqlitePool, group: Vec<Rename>) {
    if group.len() > 1 {
        match apply(writer, &group).await {
            Ok(renamed) => {
                for rename in group {
                    let user = renamed.get(&rename.input.0).cloned();
                    rename.answer(Ok(user));
                }
                return;
            }
            Err(error) => {
                tracing::warn!(%error, renames = group.len(), "a group of renames failed; trying each alone");
            }
        }
    }
    for rename in group {
        let answer = apply(writer, std::slice::from_ref(&rename))
            .await
            .map(|mut renamed| renamed.remove(&rename.input.0));
        rename.answer(answer);
    }
}

/// One `UPDATE … FROM (VALUES …)`: each row renames one user, only where the
/// token version still matches. Returns the users it renamed, by id.
async fn apply(
    writer: &SqlitePool,
    group: &[Rename],
) -> Result<HashMap<UserId, User>, sqlx::Error> {
    let sql = statement_for(group.len());
    let mut query = sqlx::query(&sql);
    for Call {
        input: (id, token_version, name),
        ..
    } in group
    {
        query = query.bind(id.get()).bind(token_version).bind(name.as_str());
    }
    let rows = query.fetch_all(writer).await?;
    rows.iter()
        .map(|row| super::store::user_from_row(row).map(|user| (user.id, user)))
        .collect()
}

/// The statement for `renames` rows (each size is prepared once and cached
/// by sqlx).
fn statement_for(renames: usize) -> String {
    let rows = vec!["(?, ?, ?)"; renames].join(", ");
    format!(
        "UPDATE users SET name = renames.column3, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') \
         FROM (VALUES {rows}) AS renames \
         WHERE users.id = renames.column1 AND users.token_version = renames.column2 \
         RETURNING id, username, name"
    )
}
