//! One module per page.

#[cfg(feature = "ssr")]
use leptos::prelude::use_context;

mod admin;
mod data;
mod favorites;
mod home;
mod how_it_works;
mod lab;
mod login;
mod not_found;
mod passkeys;
mod profile;
mod recover;
mod recovery_link;
mod security;
mod sessions;
mod signed_in;
mod signup;
mod spot;
mod steal;

pub use admin::AdminPage;
pub use favorites::FavoritesPage;
pub use home::HomePage;
pub use how_it_works::HowItWorksPage;
pub use lab::LabPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use passkeys::PasskeysPage;
pub use profile::ProfilePage;
pub use recover::RecoverPage;
pub use recovery_link::RecoveryLinkPage;
pub use security::SecurityPage;
pub use sessions::SessionsAndDataPage;
pub use signup::SignupPage;
pub use spot::SpotPage;
pub use steal::StealPage;

/// The status of the page being rendered on the server (nothing in the
/// browser). Routes that set one render in full before answering
/// (`SsrMode::Async`), so it reaches the response.
fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let status = axum::http::StatusCode::from_u16(status)
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}
