//! Pieces of pages.

mod account_nav;
mod account_security;
mod favorites;
mod flow_diagram;
mod local_time;
mod name_form;
mod nav;
mod passkey_sign_in;
mod passkeys_panel;
mod session_clock;
mod session_starter;
mod sessions_panel;
mod spot_card;
mod spot_form;
mod steal_token;
mod step_up_dialog;
mod tamper_lab;
mod token_anatomy;

pub use account_nav::AccountNav;
pub use account_security::AccountSecurity;
pub use favorites::{FavoritesList, FavoritesNotice, StarButton};
pub use flow_diagram::FlowDiagram;
pub use name_form::NameForm;
pub use nav::Nav;
pub use passkey_sign_in::PasskeySignIn;
pub use passkeys_panel::PasskeysPanel;
pub use session_clock::SessionClock;
pub use session_starter::session_starter;
pub use sessions_panel::SessionsPanel;
pub use spot_card::SpotCard;
pub use spot_form::SpotForm;
pub use steal_token::StealToken;
pub use step_up_dialog::StepUpDialog;
pub use tamper_lab::TamperLab;
pub use token_anatomy::TokenAnatomy;
