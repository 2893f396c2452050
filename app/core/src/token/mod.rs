//! What a token says: its claims, and its parts as the browser can read them
//! without any key. Checking a token is the server's (the `identity` crate).

mod claims;
mod parts;
mod unverified;

pub use claims::{AUDIENCE, AUDIENCES, Claims, Confirmation, FAVORITES_AUDIENCE, ISSUER};
pub use parts::TokenParts;
pub use unverified::UnverifiedClaims;
