//! Renames are committed in groups.
//!
//! SQLite commits one transaction at a time, and with sqlx each statement is
//! a round trip to the connection's worker thread, plus a ping when the
//! connection goes back to the pool. One rename per commit spent most of its
//! time in those hand-offs (5,800 renames/s here, BENCHMARKS.md). So a
//! single task owns the renames: it takes every rename waiting at that moment
//! (up to [`MAX_BATCH`]) and applies them in one statement, one commit.
//!
//! It never waits to fill a group: an idle server commits a lone rename at
//! once, and groups only form while a commit is already running. Each caller
//! is answered after the commit that holds its rename, so a 200 still means
//! "on disk" (up to `synchronous`, see the store). A group never holds two
//! renames of one user, so they apply in the order they arrived, and each
//! caller gets the user as their own rename left them.

use crate::domain::{User, UserId, UserName};
use sqlx::SqlitePool;
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// Bounds one statement's size (3 parameters a rename).
const MAX_BATCH: usize = 32;
/// Renames waiting beyond this make callers wait to queue (back-pressure).
const QUEUE: usize = 1024;

type Reply = Result<Option<User>, sqlx::Error>;

/// Hands renames to the task that commits them.
#[derive(Clone)]
pub struct Renames {
    queue: mpsc::Sender<Rename>,
}

struct Rename {
    id: UserId,
    token_version: u32,
    name: UserName,
    reply: oneshot::Sender<Reply>,
}

impl Renames {
    /// Starts the committing task on the current tokio runtime. It runs
    /// until every handle is dropped.
    pub fn start(writer: SqlitePool) -> Self {
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(commit_forever(writer, waiting));
        Self { queue }
    }

    /// Renames user `id` if their token version is still `token_version`;
    /// `None` if there is no such user or the version moved on.
    pub async fn rename(&self, id: UserId, token_version: u32, name: &UserName) -> Reply {
        let (reply, answer) = oneshot::channel();
        let rename = Rename {
            id,
            token_version,
            name: name.clone(),
            reply,
        };
        self.queue
            .send(rename)
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::WorkerCrashed)?
    }
}

async fn commit_forever(writer: SqlitePool, mut waiting: mpsc::Receiver<Rename>) {
    let mut held_back = None;
    loop {
        let first = match held_back.take() {
            Some(rename) => rename,
            None => match waiting.recv().await {
                Some(rename) => rename,
                None => return,
            },
        };
        let mut group = vec![first];
        while group.len() < MAX_BATCH {
            let Ok(rename) = waiting.try_recv() else {
                break;
            };
            // A second rename of the same user waits for the next group, so
            // the two apply in order.
            if group.iter().any(|queued| queued.id == rename.id) {
                held_back = Some(rename);
                break;
            }
            group.push(rename);
        }
        commit(&writer, group).await;
    }
}

/// Applies `group` in one statement and answers each caller. If the
/// statement fails, each rename is tried on its own, so one failure can't
/// fail the others and each caller gets its own error.
async fn commit(writer: &SqlitePool, group: Vec<Rename>) {
    if group.len() > 1 {
        match apply(writer, &group).await {
            Ok(renamed) => {
                for rename in group {
                    let user = renamed.get(&rename.id).cloned();
                    let _ = rename.reply.send(Ok(user));
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
            .map(|mut renamed| renamed.remove(&rename.id));
        // The caller may have gone (a closed connection); the rename stands.
        let _ = rename.reply.send(answer);
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
    for rename in group {
        query = query
            .bind(rename.id.get())
            .bind(rename.token_version)
            .bind(rename.name.as_str());
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
