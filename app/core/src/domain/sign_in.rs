//! How a person signed in, as a token's `amr` claim says it (RFC 8176,
//! "Authentication Method Reference Values").
//!
//! A login's every token carries it, renewals included: it describes the
//! sign-in, not the renewal. Only four values exist here, so a token
//! naming anything else is not ours and is refused with it.

use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SignInMethod {
    /// A username and password: `["pwd"]`. Also what tokens issued before
    /// `amr` existed were, so a token without the claim reads as this.
    #[default]
    Password,
    /// A passkey, which the authenticator unlocked with user verification
    /// (a PIN or biometric: a second factor). `synced` for a passkey its
    /// provider backs up to other devices (`["swk","mfa"]`: a key in
    /// software the provider can copy), otherwise a device-bound one
    /// (`["hwk","mfa"]`: the key never leaves that authenticator).
    Passkey { synced: bool },
    /// A one-use recovery code, when the password and passkeys are gone:
    /// `["otp"]` (a one-time password). Not `pwd`: the session must be
    /// told apart, as it is the one that may set a new password.
    RecoveryCode,
}

impl SignInMethod {
    /// The `amr` values, in the order tokens carry them.
    pub fn amr(self) -> &'static [&'static str] {
        match self {
            Self::Password => &["pwd"],
            Self::Passkey { synced: true } => &["swk", "mfa"],
            Self::Passkey { synced: false } => &["hwk", "mfa"],
            Self::RecoveryCode => &["otp"],
        }
    }

    /// The method whose `amr` is exactly `values`.
    pub fn from_amr<S: AsRef<str>>(values: &[S]) -> Option<Self> {
        [
            Self::Password,
            Self::Passkey { synced: true },
            Self::Passkey { synced: false },
            Self::RecoveryCode,
        ]
        .into_iter()
        .find(|method| {
            method.amr().len() == values.len()
                && method
                    .amr()
                    .iter()
                    .zip(values)
                    .all(|(a, b)| *a == b.as_ref())
        })
    }

    /// As a database column holds it: the values separated by spaces.
    pub fn to_column(self) -> String {
        self.amr().join(" ")
    }

    /// From [`to_column`](Self::to_column)'s text.
    pub fn from_column(text: &str) -> Option<Self> {
        Self::from_amr(&text.split(' ').collect::<Vec<_>>())
    }

    pub fn is_passkey(self) -> bool {
        matches!(self, Self::Passkey { .. })
    }

    /// For people: how they signed in.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Password => "a password",
            Self::Passkey { synced: true } => "a synced passkey",
            Self::Passkey { synced: false } => "a device-bound passkey",
            Self::RecoveryCode => "a recovery code",
        }
    }
}

impl Serialize for SignInMethod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.amr().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SignInMethod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = Vec::<String>::deserialize(deserializer)?;
        Self::from_amr(&values).ok_or_else(|| D::Error::custom("unknown amr values"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [SignInMethod; 4] = [
        SignInMethod::Password,
        SignInMethod::Passkey { synced: true },
        SignInMethod::Passkey { synced: false },
        SignInMethod::RecoveryCode,
    ];

    #[test]
    fn each_method_round_trips_through_json_and_its_column() {
        for method in ALL {
            let json = serde_json::to_string(&method).unwrap();
            assert_eq!(serde_json::from_str::<SignInMethod>(&json).unwrap(), method);
            assert_eq!(SignInMethod::from_column(&method.to_column()), Some(method));
        }
        assert_eq!(
            serde_json::to_string(&SignInMethod::Password).unwrap(),
            r#"["pwd"]"#
        );
        assert_eq!(
            serde_json::to_string(&SignInMethod::Passkey { synced: false }).unwrap(),
            r#"["hwk","mfa"]"#
        );
    }

    #[test]
    fn values_that_are_not_one_of_ours_are_refused() {
        for other in [
            r#"[]"#,
            r#"["sms"]"#,
            r#"["otp","pwd"]"#,
            r#"["pwd","mfa"]"#,
            r#"["mfa","hwk"]"#,
            r#""pwd""#,
        ] {
            assert!(
                serde_json::from_str::<SignInMethod>(other).is_err(),
                "{other}"
            );
        }
        assert_eq!(SignInMethod::from_column("pwd sms"), None);
    }
}
