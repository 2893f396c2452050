//! Pieces of pages.

mod name_form;
mod nav;
mod token_anatomy;

pub use name_form::NameForm;
pub use nav::Nav;
pub use token_anatomy::TokenAnatomy;
