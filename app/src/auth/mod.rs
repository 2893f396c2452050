//! Authentication: what a token says (shared) and how the server issues and
//! checks tokens and passwords (server only).

pub use photo_spots_core::token::{
    AUDIENCE, AUDIENCES, Claims, Confirmation, FAVORITES_AUDIENCE, ISSUER, TokenParts,
    UnverifiedClaims,
};

#[cfg(feature = "ssr")]
mod admin;
#[cfg(feature = "ssr")]
mod device;
#[cfg(feature = "ssr")]
pub mod dpop;
#[cfg(feature = "ssr")]
mod guard;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
mod password;
#[cfg(feature = "ssr")]
mod password_strength;
#[cfg(feature = "ssr")]
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod refresh;
#[cfg(feature = "ssr")]
mod secret;
#[cfg(feature = "ssr")]
mod sign_in;
#[cfg(feature = "ssr")]
mod throttle;
#[cfg(feature = "ssr")]
mod token;
#[cfg(feature = "ssr")]
mod verified_cache;

#[cfg(feature = "ssr")]
pub use admin::{Admin, AdminPolicy};
#[cfg(feature = "ssr")]
pub use device::Device;
#[cfg(feature = "ssr")]
pub use guard::{
    Authenticated, Presented, Scheme, VerifiedClaims, bearer_token, check_binding, presented_token,
    single_proof,
};
#[cfg(feature = "ssr")]
pub use password::{PasswordError, Passwords};
#[cfg(feature = "ssr")]
pub use password_strength::too_guessable;
#[cfg(feature = "ssr")]
pub use secret::{JwtSecret, SecretError};
#[cfg(feature = "ssr")]
pub use sign_in::SignIn;
#[cfg(feature = "ssr")]
pub use throttle::{LoginThrottle, ThrottleLimits};
#[cfg(feature = "ssr")]
pub use token::{LEEWAY_SECONDS, TokenError, TokenService, TokenVerifier};
#[cfg(feature = "ssr")]
pub use verified_cache::DEFAULT_ENTRIES as DEFAULT_VERIFIED_TOKENS;
