//! The two users of the JWT story and an admin, created in demo mode only.

use app::{
    auth::Passwords,
    domain::{Password, User, UserId, UserName, Username},
    users::UserStore,
};

/// (id, username, name, password, admin)
pub const DEMO_USERS: [(i64, &str, &str, &str, bool); 3] = [
    (120, "john", "John", "john-password", false),
    (121, "jack", "Jack", "jack-password", false),
    (122, "ada", "Ada", "ada-password", true),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo user data is invalid: {0}")]
    Invalid(#[from] app::domain::ValidationError),
    #[error(transparent)]
    Hash(#[from] app::auth::PasswordError),
    #[error("could not store a demo user: {0}")]
    Database(#[from] app::db::StoreError),
}

/// Creates each demo user whose id is free. Existing rows (a renamed John,
/// say) are never overwritten.
pub async fn ensure_demo_users(store: &UserStore, passwords: &Passwords) -> Result<(), DemoError> {
    for (id, username, name, password, admin) in DEMO_USERS {
        let user = User {
            id: UserId::new(id)?,
            username: Username::parse(username)?,
            name: UserName::parse(name)?,
        };
        if store.find_by_id(user.id).await?.is_some() {
            continue;
        }
        let hash = passwords.hash(&Password::parse(password)?)?;
        if store.insert_if_absent(&user, &hash).await? {
            if admin {
                store.set_admin(&user.username, true).await?;
            }
            tracing::info!(%username, %id, admin, "created demo user");
        }
    }
    Ok(())
}
