//! What can happen to an account, as its owner's security activity lists
//! it (`GET /api/activity`). Shared: the page words each kind.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    SignedIn,
    SignInFailed,
    ConfirmedItsYou,
    SessionEnded,
    OtherSessionsEnded,
    LoggedOutEverywhere,
    PasswordChanged,
    PasswordSet,
    PasswordRemoved,
    PasswordReset,
    PasskeyAdded,
    PasskeyRemoved,
    RecoveryCodesMade,
    RecoveryCodeUsed,
    RecoveryLinkMade,
    RecoveryLinkUsed,
    RefreshTokenReused,
    DisabledByOperator,
    EnabledByOperator,
    LoggedOutByOperator,
}

impl ActivityKind {
    const ALL: [Self; 20] = [
        Self::SignedIn,
        Self::SignInFailed,
        Self::ConfirmedItsYou,
        Self::SessionEnded,
        Self::OtherSessionsEnded,
        Self::LoggedOutEverywhere,
        Self::PasswordChanged,
        Self::PasswordSet,
        Self::PasswordRemoved,
        Self::PasswordReset,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::RecoveryCodesMade,
        Self::RecoveryCodeUsed,
        Self::RecoveryLinkMade,
        Self::RecoveryLinkUsed,
        Self::RefreshTokenReused,
        Self::DisabledByOperator,
        Self::EnabledByOperator,
        Self::LoggedOutByOperator,
    ];

    /// As the database column holds it: the wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::ConfirmedItsYou => "confirmed_its_you",
            Self::SessionEnded => "session_ended",
            Self::OtherSessionsEnded => "other_sessions_ended",
            Self::LoggedOutEverywhere => "logged_out_everywhere",
            Self::PasswordChanged => "password_changed",
            Self::PasswordSet => "password_set",
            Self::PasswordRemoved => "password_removed",
            Self::PasswordReset => "password_reset",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::RecoveryCodesMade => "recovery_codes_made",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::RecoveryLinkMade => "recovery_link_made",
            Self::RecoveryLinkUsed => "recovery_link_used",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::DisabledByOperator => "disabled_by_operator",
            Self::EnabledByOperator => "enabled_by_operator",
            Self::LoggedOutByOperator => "logged_out_by_operator",
        }
    }

    pub fn from_column(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// For people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SignedIn => "Signed in",
            Self::SignInFailed => "Failed sign-in",
            Self::ConfirmedItsYou => "Confirmed it's you",
            Self::SessionEnded => "Session signed out",
            Self::OtherSessionsEnded => "All other sessions signed out",
            Self::LoggedOutEverywhere => "Logged out of all devices",
            Self::PasswordChanged => "Password changed",
            Self::PasswordSet => "Password set",
            Self::PasswordRemoved => "Password removed",
            Self::PasswordReset => "New password after a recovery code",
            Self::PasskeyAdded => "Passkey added",
            Self::PasskeyRemoved => "Passkey removed",
            Self::RecoveryCodesMade => "New recovery codes made",
            Self::RecoveryCodeUsed => "Recovery code used",
            Self::RecoveryLinkMade => "Recovery link made by support",
            Self::RecoveryLinkUsed => "New password from a recovery link; every session signed out",
            Self::RefreshTokenReused => "A copied session was detected and ended",
            Self::DisabledByOperator => "Account disabled by support",
            Self::EnabledByOperator => "Account enabled by support",
            Self::LoggedOutByOperator => "Signed out everywhere by support",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_round_trips_through_its_column_and_json() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::from_column(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(ActivityKind::from_column("hacked"), None);
    }
}
