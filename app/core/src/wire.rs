//! What both ends of the JSON API agree on besides the server functions
//! themselves: the refresh endpoints (REST, in the server crate) and what a
//! login returns. Shared by the browser's client, the server functions and
//! the server, so none of them imports another for it.

use crate::domain::User;
use serde::{Deserialize, Serialize};

/// `POST` here with the refresh cookie: a new access token and a new
/// refresh token. The cookie's `Path`, so the browser sends it nowhere else.
pub const REFRESH_PATH: &str = "/api/refresh";
/// `POST` here with the refresh cookie: this device's login ends.
pub const REFRESH_LOGOUT_PATH: &str = "/api/refresh/logout";
/// The header both must carry (any value): only script on our own origin
/// can add it, so a cross-site form or link can't make the browser call them.
pub const CSRF_HEADER: &str = "x-photo-spots-csrf";

/// What a successful login (or sign-up, or password change) returns: the
/// signed token, how it must be presented, and who it is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    /// `DPoP` when the request carried a proof (the token is bound to its
    /// key), else `Bearer`.
    #[serde(default)]
    pub token_type: TokenType,
    pub user: User,
}

/// How a token is presented (`Authorization: <type> <token>`), as OAuth's
/// `token_type` says it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenType {
    #[default]
    Bearer,
    #[serde(rename = "DPoP")]
    Dpop,
}

/// One of a person's passkeys, as their list shows it (`GET /api/passkeys`).
/// Only public facts: the credential's key never leaves the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    /// The credential id (base64url), which names it in the API.
    pub id: String,
    pub name: String,
    /// Backed up by its provider to other devices, or device-bound.
    pub synced: bool,
    /// Unix seconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// `GET /api/passkeys`: the ways a person signs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaysToSignIn {
    /// Oldest first.
    pub passkeys: Vec<PasskeySummary>,
    /// Whether they have a password too (`false`: passkeys only).
    pub password: bool,
    /// How many unused recovery codes they have.
    #[serde(default)]
    pub recovery_codes: u32,
}

/// `POST /api/recovery_codes`: a new set, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodesMade {
    pub codes: Vec<String>,
}

/// `POST /api/recovery_link`: whose password the link set (the page then
/// offers to sign in as them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryLinkUsed {
    pub username: String,
}

/// One of a person's sessions (a signed-in device), as `GET /api/sessions`
/// lists them. Never a token or anything that renews one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Names it in `DELETE /api/sessions/{id}`; the `sid` of its tokens.
    pub id: String,
    /// The session the call was made from.
    pub current: bool,
    /// The browser and OS, as the User-Agent said at sign-in ("Firefox on Linux").
    pub label: String,
    /// The network it signed in from ("203.0.113.0/24"); empty if unknown.
    pub address: String,
    /// Unix seconds: when it signed in, when the person last proved who
    /// they are in it, and when it last renewed its token.
    pub created_at: i64,
    pub auth_time: i64,
    pub last_used_at: i64,
    /// How it signed in (RFC 8176 values).
    pub amr: crate::domain::SignInMethod,
    /// The passkey it signed in with (its id in `GET /api/passkeys`), if
    /// one did: after removing a passkey, these are the sessions to end.
    pub passkey: Option<String>,
}

/// `GET /api/sessions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sessions {
    pub sessions: Vec<SessionSummary>,
}

/// One thing that happened to the account (`GET /api/activity`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEvent {
    /// Names its place in the list: `?before=ID` reads on from it.
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub kind: crate::domain::ActivityKind,
    /// The device, network, method or passkey name; never a secret.
    pub detail: String,
}

/// `GET /api/activity`: newest first; `next` reads the page after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub events: Vec<ActivityEvent>,
    /// `?before=` for the next (older) page; `null` on the last one.
    pub next: Option<i64>,
}

/// `DELETE /api/sessions/others`: how many sessions it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsEnded {
    pub ended: u64,
}
