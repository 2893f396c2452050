//! Authentication: how the server issues and checks tokens, passwords,
//! recovery codes and links, and what a token says (the core crate's claims).

pub use photo_spots_core::token::{
    AUDIENCE, AUDIENCES, Claims, Confirmation, FAVORITES_AUDIENCE, ISSUER, TokenParts,
    UnverifiedClaims,
};

mod admin;
mod device;
pub mod dpop;
mod guard;
pub mod keys;
mod password;
mod password_strength;
pub mod recovery;
pub mod refresh;
mod secret;
pub mod security_event;
mod sign_in;
mod throttle;
mod token;
mod verified_cache;

pub use admin::{Admin, AdminPolicy};
pub use device::Device;
pub use guard::{
    Authenticated, Presented, Scheme, VerifiedClaims, bearer_token, check_binding, presented_token,
    single_proof,
};
pub use password::{PasswordError, Passwords};
pub use password_strength::too_guessable;
pub use secret::{JwtSecret, SecretError};
pub use sign_in::SignIn;
pub use throttle::{LoginThrottle, ThrottleLimits};
pub use token::{LEEWAY_SECONDS, TokenError, TokenService, TokenVerifier};
pub use verified_cache::DEFAULT_ENTRIES as DEFAULT_VERIFIED_TOKENS;
