//! Domain types shared by the browser and the server.
//!
//! Each type can only hold a valid value: validation lives in its constructor
//! (and in its `Deserialize` impl, which goes through the constructor), so the
//! browser's instant feedback and the server's authoritative check are the
//! same code.

mod error;
mod password;
mod return_path;
mod spot_slug;
mod user;
mod user_id;
mod user_name;
mod username;

pub use error::ValidationError;
pub use password::Password;
pub use return_path::ReturnPath;
pub use spot_slug::SpotSlug;
pub use user::User;
pub use user_id::UserId;
pub use user_name::UserName;
pub use username::Username;
