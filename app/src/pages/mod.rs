//! One module per page.

mod home;
mod login;
mod not_found;
mod profile;
mod signup;

pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use profile::ProfilePage;
pub use signup::SignupPage;
