//! On SQLite, renames are committed in groups (see `db::groups`): one
//! statement and one commit for every rename waiting, instead of one each
//! (5,800 renames/s here before, BENCHMARKS.md). PostgreSQL renames stay
//! plain: a grouped `UPDATE` from several instances would lock rows in no
//! set order and could deadlock, and PostgreSQL already shares a WAL flush
//! among commits that arrive together.
//!
//! Each caller is answered after the commit that holds its rename, so a 200
//! still means "on disk" (up to `synchronous`, see the store). A group never
//! holds two renames of one user, so they apply in the order they arrived,
//! and each caller gets the user as their own rename left them.

use super::store::{UserRow, user};
use crate::db::groups::{Answer, Call, Groups, together_or_alone};
use crate::domain::{User, UserId, UserName};
use sqlx::SqlitePool;
use std::collections::HashMap;

/// Bounds one statement's size (3 parameters a rename).
const MAX_GROUP: usize = 32;

/// Rename user `id` to `name` if their token version is still `token_version`.
#[derive(Clone)]
struct Rename {
    id: UserId,
    token_version: u32,
    name: UserName,
}

/// Renames, committed in groups through the writer connection.
#[derive(Clone)]
pub struct Renames(Groups<Rename, Answer<User>>);

impl Renames {
    pub fn start(writer: SqlitePool) -> Self {
        Self(Groups::start(MAX_GROUP, renames_same_user, move |group| {
            let writer = writer.clone();
            async move {
                together_or_alone(
                    group,
                    |rename| rename.id,
                    |renames| apply(writer.clone(), renames),
                )
                .await;
            }
        }))
    }

    /// Renames user `id` if their token version is still `token_version`;
    /// `None` if there is no such user or the version moved on.
    pub async fn rename(&self, id: UserId, token_version: u32, name: &UserName) -> Answer<User> {
        let rename = Rename {
            id,
            token_version,
            name: name.clone(),
        };
        self.0.call(rename).await?
    }
}

fn renames_same_user(group: &[Call<Rename, Answer<User>>], next: &Rename) -> bool {
    group.iter().any(|queued| queued.input.id == next.id)
}

/// One `UPDATE … FROM (VALUES …)`: each row renames one user, only where the
/// token version still matches. Returns the users it renamed, by id.
async fn apply(
    writer: SqlitePool,
    renames: Vec<Rename>,
) -> Result<HashMap<UserId, User>, sqlx::Error> {
    let sql = statement_for(renames.len());
    let mut query = sqlx::query_as::<_, UserRow>(&sql);
    for rename in renames {
        query = query
            .bind(rename.id.get())
            .bind(i64::from(rename.token_version))
            .bind(String::from(rename.name));
    }
    let rows = query.fetch_all(&writer).await?;
    rows.into_iter()
        .map(|row| user(row).map(|user| (user.id, user)))
        .collect()
}

/// The statement for `renames` rows (each size is prepared once and cached
/// by sqlx).
fn statement_for(renames: usize) -> String {
    let rows: Vec<String> = (0..renames)
        .map(|n| format!("(${}, ${}, ${})", 3 * n + 1, 3 * n + 2, 3 * n + 3))
        .collect();
    let rows = rows.join(", ");
    format!(
        "UPDATE users SET name = renames.column3, \
         updated_at = CURRENT_TIMESTAMP \
         FROM (VALUES {rows}) AS renames \
         WHERE users.id = renames.column1 AND users.token_version = renames.column2 \
         RETURNING id, username, name"
    )
}
