//! Users and their credentials, in SQLite (the embedded default) or
//! PostgreSQL (several instances sharing one database). Server only.

mod database;
pub mod groups;
mod pools;
mod postgres;
mod sqlite;
mod store;
#[cfg(test)]
pub(crate) mod test_databases;

pub use database::{DatabaseKind, DatabaseOptions, is_outage};
pub use pools::Pools;
pub(crate) use pools::on_pool;
/// What a store call can fail with.
pub use sqlx::Error as StoreError;
pub use store::UserStore;

use crate::domain::{User, UserId, UserName, Username};

/// A user together with the stored password hash and token version, for
/// logging in.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub token_version: u32,
    pub is_admin: bool,
}

impl Credentials {
    /// Who a token issued from these credentials is for.
    pub fn holder(&self) -> CurrentUser {
        CurrentUser {
            user: self.user.clone(),
            token_version: self.token_version,
            is_admin: self.is_admin,
        }
    }
}

/// A user as stored now, with the token version that decides which of
/// their tokens are still good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    pub user: User,
    pub token_version: u32,
    /// Whether the database says this user may use the admin area now.
    pub is_admin: bool,
}

impl CurrentUser {
    /// A user as created: token version 0, not an admin.
    pub fn new_user(user: User) -> Self {
        Self {
            user,
            token_version: 0,
            is_admin: false,
        }
    }
}

/// Rows go through the domain constructors too: a row that breaks the rules
/// (edited by hand, say) is an error, not a user.
fn stored_user(id: i64, username: String, name: String) -> Result<User, sqlx::Error> {
    let decode = |e: crate::domain::ValidationError| sqlx::Error::Decode(Box::new(e));
    Ok(User {
        id: UserId::new(id).map_err(decode)?,
        username: Username::parse(&username).map_err(decode)?,
        name: UserName::parse(&name).map_err(decode)?,
    })
}
