//! Users and their credentials, in the main database (`db`). Server only.

mod activity;
mod deletion;
mod lookups;
pub mod outbox;
mod renames;
mod store;

pub use activity::ActivityLog;
pub use deletion::DeletedAccount;
pub use lookups::SessionCheck;
pub use outbox::{Outbox, PendingEvent};
pub use store::UserStore;

use crate::domain::User;

/// A user together with the stored password hash and token version, for
/// logging in.
pub struct Credentials {
    pub user: User,
    /// `None` for someone who signs in with passkeys only.
    pub password_hash: Option<String>,
    pub token_version: u32,
    pub is_admin: bool,
    /// An operator disabled the account: sign-ins are refused.
    pub disabled: bool,
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
