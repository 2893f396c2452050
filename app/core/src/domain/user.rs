use super::{UserId, UserName, Username};
use serde::{Deserialize, Serialize};

/// A user as the API shows it: `{"id":120,"username":"john","name":"John"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub name: UserName,
}
