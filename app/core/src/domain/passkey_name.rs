use super::{ValidationError, user_name::one_line};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a person calls one of their passkeys, e.g. "Phone" or "YubiKey":
/// trimmed, 1 to 64 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PasskeyName(String);

impl PasskeyName {
    pub const MAX_CHARS: usize = 64;
    const FIELD: &'static str = "Passkey name";

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        one_line(raw, Self::FIELD, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PasskeyName {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PasskeyName> for String {
    fn from(name: PasskeyName) -> Self {
        name.0
    }
}

impl fmt::Display for PasskeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passkey_name_is_one_trimmed_line_of_at_most_64_characters() {
        assert_eq!(PasskeyName::parse("  Phone ").unwrap().as_str(), "Phone");
        assert!(PasskeyName::parse(&"é".repeat(64)).is_ok());
        for bad in ["", "   ", "a\nb", &"x".repeat(65)] {
            assert!(PasskeyName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<PasskeyName>(r#""""#).is_err());
    }
}
