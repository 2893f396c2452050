//! Domain types shared by the browser and the server.
//!
//! Each type can only hold a valid value: validation lives in its constructor
//! (and in its `Deserialize` impl, which goes through the constructor), so the
//! browser's instant feedback and the server's authoritative check are the
//! same code.

mod activity;
mod error;
mod passkey_name;
mod password;
mod return_path;
mod sign_in;
mod spot_slug;
mod user;
mod user_id;
mod user_name;
mod username;

pub use activity::ActivityKind;
pub use error::ValidationError;
pub use passkey_name::PasskeyName;
pub use password::Password;
pub use return_path::ReturnPath;
pub use sign_in::SignInMethod;
pub use spot_slug::SpotSlug;
pub use user::User;
pub use user_id::UserId;
pub use user_name::UserName;
pub use username::Username;
