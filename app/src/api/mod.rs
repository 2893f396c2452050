//! The JSON API: Leptos server functions at stable paths under `/api`,
//! called by the pages and usable as a REST API (curl, mobile apps).

mod change_password;
mod health;
mod login;
mod logout_all;
mod me;
mod reauth;
mod recovery;
mod recovery_link;
mod remove_password;
mod set_password;
mod signup;
mod update_name;

#[cfg(feature = "ssr")]
mod current_password;
#[cfg(feature = "ssr")]
mod new_password;
#[cfg(feature = "ssr")]
mod response;

pub use change_password::{ChangePassword, change_password};
pub use health::{Health, health};
pub use login::{Login, login};
#[cfg(feature = "ssr")]
pub use login::{
    issue_access_token, login_proof, login_proof_of, record_failed_sign_in, record_sign_in,
    spend_login_proof,
};
pub use logout_all::{LogoutAll, logout_all};
pub use me::{Me, me};
#[cfg(feature = "ssr")]
pub use reauth::confirmed;
pub use reauth::{Reauth, reauth};
pub use recovery::{
    MakeRecoveryCodes, Recover, ResetPassword, make_recovery_codes, recover, reset_password,
};
pub use recovery_link::{UseRecoveryLink, use_recovery_link};
pub use remove_password::{RemovePassword, remove_password};
pub use set_password::{SetPassword, set_password};
pub use signup::{Signup, signup};
pub use update_name::{UpdateName, update_name};
