//! The JSON API: Leptos server functions at stable paths under `/api`,
//! called by the pages and usable as a REST API (curl, mobile apps).

mod error;
mod login;
mod me;
mod update_name;

#[cfg(feature = "ssr")]
mod response;

pub use error::ApiError;
pub use login::{Login, LoginResponse, login};
pub use me::{Me, me};
pub use update_name::{UpdateName, update_name};
