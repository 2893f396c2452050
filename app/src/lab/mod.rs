//! The tamper lab: a person edits their own token in the browser, sends the
//! forgery to the real server, and reads why it was refused.
//!
//! Everything here runs in the browser and holds no secret: it is what any
//! attacker holding the token can do. The forged token is never stored, and
//! it goes to the ordinary API (`/api/me`, an admin call), so it meets the
//! same checks, logs and answers as any other forged token.

mod draft;
mod explain;
mod presets;
pub mod send;
pub mod sign;

pub use draft::{Change, Draft, DraftError, Forged, Original, SignatureChoice};
pub use explain::{Answer, guessing_note, reason};
pub use presets::Preset;
