//! The JSON API: Leptos server functions at stable paths under `/api`,
//! called by the pages and usable as a REST API (curl, mobile apps).

mod change_password;
mod error;
mod health;
mod login;
mod logout_all;
mod me;
mod signup;
mod update_name;

#[cfg(feature = "ssr")]
mod response;

/// `POST` here with the refresh cookie: a new access token and a new
/// refresh token. The cookie's `Path`, so the browser sends it nowhere else.
pub const REFRESH_PATH: &str = "/api/refresh";
/// `POST` here with the refresh cookie: this device's login ends.
pub const REFRESH_LOGOUT_PATH: &str = "/api/refresh/logout";
/// The header both must carry (any value): only script on our own origin
/// can add it, so a cross-site form or link can't make the browser call them.
pub const CSRF_HEADER: &str = "x-photo-spots-csrf";

pub use change_password::{ChangePassword, change_password};
pub use error::{ApiError, DpopProblem, Outage};
pub use health::{Health, health};
pub use login::{Login, LoginResponse, TokenType, login};
#[cfg(feature = "ssr")]
pub use login::{key_of_login_proof, key_of_proof};
pub use logout_all::{LogoutAll, logout_all};
pub use me::{Me, me};
pub use signup::{Signup, signup};
pub use update_name::{UpdateName, update_name};
