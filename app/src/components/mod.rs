//! Pieces of pages.

mod account_security;
mod favorites;
mod name_form;
mod nav;
mod session_starter;
mod spot_card;
mod spot_form;
mod token_anatomy;

pub use account_security::AccountSecurity;
pub use favorites::{FavoritesList, FavoritesNotice, StarButton};
pub use name_form::NameForm;
pub use nav::Nav;
pub use session_starter::session_starter;
pub use spot_card::SpotCard;
pub use spot_form::SpotForm;
pub use token_anatomy::TokenAnatomy;
